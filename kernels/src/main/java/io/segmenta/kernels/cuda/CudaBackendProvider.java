package io.segmenta.kernels.cuda;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.gpu.Device;
import io.segmenta.kernels.gpu.GpuProvider;

/** Registers the CUDA backend; usable where the CUDA driver and a device are. */
public final class CudaBackendProvider extends GpuProvider {

  public CudaBackendProvider() {
    super(BackendKind.CUDA, "CUDA");
  }

  @Override
  protected Availability find(BackendChoice choice) {
    int count = CudaDevice.deviceCount();
    return count > 0 ? Availability.yes(count + " CUDA device(s)") : Availability.no("the CUDA driver reports no device");
  }

  /** The device the options name must be among the driver's: a scheduler's address beyond them is a misconfiguration. */
  @Override
  protected Availability find(BackendChoice choice, BackendOptions options) {
    if (options.device() < 0) return find(choice);
    int count = CudaDevice.deviceCount();
    return options.device() < count ? Availability.yes("CUDA device " + options.device() + " of " + count)
        : Availability.no("CUDA device " + options.device() + " was asked for; the driver reports " + count + " device(s)"
            + (count > 0 ? " (ordinals 0 to " + (count - 1) + ")" : ""));
  }

  /** JCuda's natives need libcuda.so.1, which only a machine with the NVIDIA driver has. */
  @Override
  protected String noDriver(LinkageError e) {
    return "no CUDA driver on this machine (" + shortReason(e) + ")";
  }

  @Override
  protected Device openDevice(BackendChoice choice) {
    return new CudaDevice(0);
  }

  @Override
  protected Device openDevice(BackendChoice choice, BackendOptions options) {
    return new CudaDevice(options.deviceOrdinal());
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
