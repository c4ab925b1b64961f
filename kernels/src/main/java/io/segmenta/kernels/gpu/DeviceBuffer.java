package io.segmenta.kernels.gpu;

/** Device memory; closing it frees it. Each device layer subclasses it with its own handle. */
public abstract class DeviceBuffer extends Freeable {
  private final long bytes;

  protected DeviceBuffer(long bytes) {
    this.bytes = bytes;
  }

  public final long bytes() {
    return bytes;
  }
}
