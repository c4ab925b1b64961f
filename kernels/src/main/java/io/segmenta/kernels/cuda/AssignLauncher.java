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

  void launch(CudaMatrix x, DeviceBuffer cen, DeviceBuffer norms, int k, CudaAssignments a, DeviceBuffer changed) {
    int n = x.n();
    Pointer p = Pointer.to(Launch.ptr(x.data().ptr()), Launch.i(n), Launch.i(x.cols()), Launch.ptr(cen.ptr()),
        Launch.ptr(norms.ptr()), Launch.i(k), Launch.ptr(a.labels().ptr()), Launch.ptr(a.dists().ptr()),
        Launch.ptr(changed.ptr()));
    Launch.run(NAME, f, (n + block - 1) / block, 1, block, 1, 0, p);
  }
}
