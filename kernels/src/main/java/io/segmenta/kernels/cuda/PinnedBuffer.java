package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jcuda.Pointer;

/** Page-locked host memory: what asynchronous copies need to overlap with kernels. Frees itself. */
final class PinnedBuffer implements AutoCloseable {
  private final Pointer ptr = new Pointer();
  final long bytes;
  private boolean freed;

  PinnedBuffer(long bytes) {
    this.bytes = bytes;
    cuMemHostAlloc(ptr, Math.max(bytes, 4), 0);
  }

  Pointer ptr() {
    return ptr;
  }

  FloatBuffer floats() {
    return ptr.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  @Override
  public void close() {
    if (!freed) {
      freed = true;
      cuMemFreeHost(ptr);
    }
  }
}
