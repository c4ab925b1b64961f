package io.segmenta.kernels.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Host memory that a queued copy reads from: page-locked on CUDA (what lets copies overlap kernels),
 * a direct buffer on OpenCL. Closing it frees it.
 */
public abstract class HostBuffer extends Freeable {
  private final ByteBuffer bytes;

  protected HostBuffer(ByteBuffer bytes) {
    this.bytes = bytes;
  }

  /** The memory as floats in native order, from its start. */
  public final FloatBuffer floats() {
    checkLive();
    return bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** The memory as bytes, for the device layer's copies. */
  protected final ByteBuffer bytes() {
    checkLive();
    return bytes;
  }
}
