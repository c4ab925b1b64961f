package io.segmenta.kernels.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clReleaseMemObject;

import org.jocl.cl_mem;

/** A device buffer that releases itself. */
final class ClBuffer implements AutoCloseable {
  private final cl_mem mem;
  final long bytes;
  private boolean released;

  ClBuffer(OpenClContext ctx, long bytes) {
    this.bytes = bytes;
    io.segmenta.kernels.gpu.FaultInjection.beforeAllocation("OpenCL", bytes);
    this.mem = clCreateBuffer(ctx.context, CL_MEM_READ_WRITE, Math.max(bytes, 4), null, null);
  }

  cl_mem mem() {
    if (released) throw new IllegalStateException("device buffer already released");
    return mem;
  }

  @Override
  public void close() {
    if (!released) {
      released = true;
      clReleaseMemObject(mem);
    }
  }
}
