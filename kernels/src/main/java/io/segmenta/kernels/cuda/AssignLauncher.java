package io.segmenta.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;

/** {@code kmeans_assign}: one thread per row, 256 threads per block. */
final class AssignLauncher {
  static final String NAME = "kmeans_assign";
  private final CUfunction f;
  private final int block;

  AssignLauncher(CudaContext ctx) {
    f = ctx.function(NAME);
    block = Math.min(256, ctx.maxThreadsPerBlock);
  }

  /** Rows [base, base + rows) of the assignments, whose values are {@code data} (column-major, {@code rows} rows). */
  void launch(jcuda.driver.CUdeviceptr data, int rows, int d, long base, DeviceBuffer cen, DeviceBuffer norms, int k, CudaAssignments a,
              DeviceBuffer changed, jcuda.driver.CUstream stream) {
    Pointer p = Pointer.to(Launch.ptr(data), Launch.i(rows), Launch.i(d), Launch.ptr(cen.ptr()),
        Launch.ptr(norms.ptr()), Launch.i(k), Launch.ptr(a.labels().ptr()), Launch.ptr(a.dists().ptr()),
        Launch.ptr(changed.ptr()), Launch.i((int) base));
    Launch.async(NAME, f, (rows + block - 1) / block, 1, block, 1, p, stream);
  }
}
