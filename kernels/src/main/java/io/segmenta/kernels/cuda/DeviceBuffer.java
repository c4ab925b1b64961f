package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import jcuda.driver.CUdeviceptr;

/** Device memory that frees itself; {@code ptr()} is what kernels take. */
final class DeviceBuffer implements AutoCloseable {
  private final CUdeviceptr ptr = new CUdeviceptr();
  final long bytes;
  private boolean freed;

  DeviceBuffer(long bytes) {
    this.bytes = bytes;
    io.segmenta.kernels.gpu.FaultInjection.beforeAllocation("CUDA", bytes);
    cuMemAlloc(ptr, Math.max(bytes, 4));
  }

  CUdeviceptr ptr() {
    if (freed) throw new IllegalStateException("device buffer already freed");
    return ptr;
  }

  /** The address {@code offset} bytes in. */
  CUdeviceptr at(long offset) {
    return ptr().withByteOffset(offset);
  }

  @Override
  public void close() {
    if (!freed) {
      freed = true;
      cuMemFree(ptr);
    }
  }
}
