package io.segmenta.kernels.cuda;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.BackendProvider;
import io.segmenta.kernels.ComputeBackend;

/** Registers the CUDA backend; usable where the CUDA driver and a device are. */
public final class CudaBackendProvider implements BackendProvider {

  @Override
  public BackendKind kind() {
    return BackendKind.CUDA;
  }

  @Override
  public boolean serves(BackendChoice choice) {
    return choice == BackendChoice.CUDA;
  }

  @Override
  public Availability probe(BackendChoice choice) {
    try {
      int count = CudaContext.deviceCount();
      return count > 0 ? Availability.yes(count + " CUDA device(s)") : Availability.no("the CUDA driver reports no device");
    } catch (LinkageError e) {
      // JCuda's natives need libcuda.so.1, which only a machine with the NVIDIA driver has.
      return Availability.no("no CUDA driver on this machine (" + shortReason(e) + ")");
    } catch (RuntimeException e) {
      return Availability.no("CUDA initialisation failed: " + e.getMessage());
    }
  }

  @Override
  public ComputeBackend open(BackendChoice choice, BackendOptions options) {
    return new CudaBackend(0);
  }

  /** JCuda's load error carries whole stack traces; keep the line that says what is missing. */
  static String shortReason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf("libcuda.so");
    if (at >= 0) return "libcuda.so.1, the NVIDIA driver's library, cannot be loaded";
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }
}
