package io.segmenta.kernels.opencl;

import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clSetKernelArg;

import io.segmenta.kernels.GpuKernelException;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/** A kernel with its arguments set in order; a failed launch names the kernel. */
final class Kernel {
  private final OpenClContext ctx;
  private final cl_kernel kernel;
  private final String name;
  private int arg;

  Kernel(OpenClContext ctx, String name) {
    this.ctx = ctx;
    this.name = name;
    this.kernel = ctx.kernel(name);
  }

  Kernel begin() {
    arg = 0;
    return this;
  }

  Kernel buf(ClBuffer b) {
    clSetKernelArg(kernel, arg++, Sizeof.cl_mem, Pointer.to(b.mem()));
    return this;
  }

  Kernel i(int v) {
    clSetKernelArg(kernel, arg++, Sizeof.cl_int, Pointer.to(new int[] {v}));
    return this;
  }

  Kernel local(long bytes) {
    clSetKernelArg(kernel, arg++, bytes, null);
    return this;
  }

  void run(long gx, long gy, long lx, long ly) {
    long[] global = {roundUp(gx, lx), roundUp(gy, ly)};
    io.segmenta.kernels.gpu.FaultInjection.beforeLaunch("OpenCL", name);
    try {
      clEnqueueNDRangeKernel(ctx.queue, kernel, 2, null, global, new long[] {lx, ly}, 0, null, null);
      clFinish(ctx.queue);
    } catch (CLException e) {
      throw new GpuKernelException("OpenCL kernel " + name + " failed on " + ctx.candidate.describe() + " (global " + global[0] + "x"
          + global[1] + ", local " + lx + "x" + ly + "): " + e.getMessage(), e);
    }
  }

  private static long roundUp(long v, long m) {
    return (v + m - 1) / m * m;
  }
}
