package io.segmenta.kernels.opencl;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.BackendProvider;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.kernels.ComputeBackend;
import java.util.List;

/**
 * Registers the OpenCL backend. Under {@code auto} only a GPU with float64 support qualifies; an
 * OpenCL CPU device (PoCL) is used only when {@code opencl} is asked for by name.
 */
public final class OpenClBackendProvider implements BackendProvider {

  @Override
  public BackendKind kind() {
    return BackendKind.OPENCL;
  }

  @Override
  public boolean serves(BackendChoice choice) {
    return choice == BackendChoice.OPENCL;
  }

  @Override
  public Availability probe(BackendChoice choice) {
    try {
      OpenClContext.Candidate c = pick(choice);
      return c != null ? Availability.yes(c.describe()) : Availability.no(why(choice));
    } catch (LinkageError e) {
      return Availability.no("no OpenCL loader on this machine (install ocl-icd-libopencl1 and a driver, e.g. pocl-opencl-icd): "
          + e.getMessage());
    } catch (RuntimeException e) {
      return Availability.no("OpenCL probe failed: " + e.getMessage());
    }
  }

  @Override
  public ComputeBackend open(BackendChoice choice, BackendOptions options) {
    OpenClContext.Candidate c = pick(choice);
    if (c == null) throw new BackendUnavailableException("backend 'opencl' is not available: " + why(choice));
    return new OpenClBackend(c);
  }

  /** A GPU first; a CPU device only when OpenCL was asked for by name. Float64 is required. */
  static OpenClContext.Candidate pick(BackendChoice choice) {
    List<OpenClContext.Candidate> all = OpenClContext.candidates();
    for (OpenClContext.Candidate c : all) if (c.gpu() && c.fp64()) return c;
    if (choice == BackendChoice.OPENCL) for (OpenClContext.Candidate c : all) if (c.fp64()) return c;
    return null;
  }

  private static String why(BackendChoice choice) {
    List<OpenClContext.Candidate> all = OpenClContext.candidates();
    if (all.isEmpty()) return "no OpenCL platform or device is installed";
    StringBuilder sb = new StringBuilder(choice == BackendChoice.AUTO
        ? "no OpenCL GPU with float64 support (CPU devices are used only with --backend opencl); found: "
        : "no OpenCL device with float64 support; found: ");
    for (int i = 0; i < all.size(); i++) sb.append(i == 0 ? "" : ", ").append(all.get(i).describe()).append(all.get(i).fp64() ? "" : " without fp64");
    return sb.toString();
  }
}
