package io.segmenta.kernels.opencl;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.kernels.gpu.Device;
import io.segmenta.kernels.gpu.GpuProvider;
import java.util.List;

/**
 * Registers the OpenCL backend. Under {@code auto} only a GPU with float64 support qualifies; an
 * OpenCL CPU device (PoCL) is used only when {@code opencl} is asked for by name.
 */
public final class OpenClBackendProvider extends GpuProvider {

  public OpenClBackendProvider() {
    super(BackendKind.OPENCL, "OpenCL");
  }

  @Override
  protected Availability find(BackendChoice choice) {
    OpenClDevice.Candidate c = pick(choice);
    return c != null ? Availability.yes(c.describe()) : Availability.no(why(choice));
  }

  @Override
  protected String noDriver(LinkageError e) {
    return "no OpenCL loader on this machine (install ocl-icd-libopencl1 and a driver, e.g. pocl-opencl-icd): " + e.getMessage();
  }

  @Override
  protected Device openDevice(BackendChoice choice) {
    OpenClDevice.Candidate c = pick(choice);
    if (c == null) throw new BackendUnavailableException("backend 'opencl' is not available: " + why(choice));
    return new OpenClDevice(c);
  }

  /** A GPU first; a CPU device only when OpenCL was asked for by name. Float64 is required. */
  static OpenClDevice.Candidate pick(BackendChoice choice) {
    List<OpenClDevice.Candidate> all = OpenClDevice.candidates();
    for (OpenClDevice.Candidate c : all) if (c.gpu() && c.fp64()) return c;
    if (choice == BackendChoice.OPENCL) for (OpenClDevice.Candidate c : all) if (c.fp64()) return c;
    return null;
  }

  private static String why(BackendChoice choice) {
    List<OpenClDevice.Candidate> all = OpenClDevice.candidates();
    if (all.isEmpty()) return "no OpenCL platform or device is installed";
    StringBuilder sb = new StringBuilder(choice == BackendChoice.AUTO
        ? "no OpenCL GPU with float64 support (CPU devices are used only with --backend opencl); found: "
        : "no OpenCL device with float64 support; found: ");
    for (int i = 0; i < all.size(); i++) sb.append(i == 0 ? "" : ", ").append(all.get(i).describe()).append(all.get(i).fp64() ? "" : " without fp64");
    return sb.toString();
  }
}
