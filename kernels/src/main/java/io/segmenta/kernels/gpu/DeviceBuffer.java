package io.segmenta.kernels.gpu;

/** Device memory; closing it frees it. Each device layer subclasses it with its own handle. */
public abstract class DeviceBuffer implements AutoCloseable {
  private final long bytes;
  private boolean freed;

  protected DeviceBuffer(long bytes) {
    this.bytes = bytes;
  }

  public final long bytes() {
    return bytes;
  }

  /** Throws when the buffer was freed: a handle must not outlive its memory. */
  protected final void checkLive() {
    if (freed) throw new IllegalStateException("device buffer already freed");
  }

  /** Frees the memory; called once. */
  protected abstract void free();

  @Override
  public final void close() {
    if (!freed) {
      freed = true;
      free();
    }
  }
}
