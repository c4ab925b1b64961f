package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import io.segmenta.kernels.GpuKernelException;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUfunction;

/** Launches a kernel and turns any failure into an error that names the kernel. */
final class Launch {
  private Launch() {}

  static void run(String kernel, CUfunction f, int gx, int gy, int bx, int by, int sharedBytes, Pointer params) {
    io.segmenta.kernels.gpu.FaultInjection.beforeLaunch("CUDA", kernel);
    try {
      cuLaunchKernel(f, gx, gy, 1, bx, by, 1, sharedBytes, null, params, null);
      cuCtxSynchronize();
    } catch (CudaException e) {
      throw new GpuKernelException("CUDA kernel " + kernel + " failed (grid " + gx + "x" + gy + ", block " + bx + "x" + by
          + ", shared " + sharedBytes + " B): " + e.getMessage(), e);
    }
  }

  /** Queues a launch on {@code stream} without waiting; a launch error still names the kernel. */
  static void async(String kernel, CUfunction f, int gx, int gy, int bx, int by, Pointer params, jcuda.driver.CUstream stream) {
    async(kernel, f, gx, gy, bx, by, 0, params, stream);
  }

  /** {@link #async} with {@code sharedBytes} of dynamic shared memory per block. */
  static void async(String kernel, CUfunction f, int gx, int gy, int bx, int by, int sharedBytes, Pointer params,
                    jcuda.driver.CUstream stream) {
    io.segmenta.kernels.gpu.FaultInjection.beforeLaunch("CUDA", kernel);
    try {
      cuLaunchKernel(f, gx, gy, 1, bx, by, 1, sharedBytes, stream, params, null);
    } catch (CudaException e) {
      throw new GpuKernelException("CUDA kernel " + kernel + " failed to launch (grid " + gx + "x" + gy + ", block " + bx + "x" + by
          + ", shared " + sharedBytes + " B): " + e.getMessage(), e);
    }
  }

  static Pointer ptr(jcuda.driver.CUdeviceptr p) {
    return Pointer.to(p);
  }

  static Pointer i(int v) {
    return Pointer.to(new int[] {v});
  }
}
