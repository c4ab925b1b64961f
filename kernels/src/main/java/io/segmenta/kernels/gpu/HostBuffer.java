package io.segmenta.kernels.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Host memory that a queued copy reads from: page-locked on CUDA (what lets copies overlap kernels),
 * a direct buffer on OpenCL. Closing it frees it.
 */
public abstract class HostBuffer implements AutoCloseable {
  private final ByteBuffer bytes;
  private boolean freed;

  protected HostBuffer(ByteBuffer bytes) {
    this.bytes = bytes;
  }

  /** The memory as floats in native order, from its start. */
  public final FloatBuffer floats() {
    if (freed) throw new IllegalStateException("host buffer already freed");
    return bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** The memory as bytes, for the device layer's copies. */
  protected final ByteBuffer bytes() {
    return bytes;
  }

  protected abstract void free();

  @Override
  public final void close() {
    if (!freed) {
      freed = true;
      free();
    }
  }
}
