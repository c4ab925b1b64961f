package io.segmenta.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/** {@code gmm_logdens_rows}: one thread per row; log joint densities, row-major. */
final class GmmLogDensLauncher {
  static final String NAME = "gmm_logdens_rows";
  private final CUfunction f;
  private final int block;

  GmmLogDensLauncher(CudaContext ctx) {
    f = ctx.function("gmm", NAME);
    block = Math.min(128, ctx.maxThreadsPerBlock);
  }

  void launch(CUdeviceptr data, int n, int start, int rows, int d, GmmBuffers g, DeviceBuffer out) {
    Pointer p = Pointer.to(Launch.ptr(data), Launch.i(n), Launch.i(start), Launch.i(rows), Launch.i(d), Launch.ptr(g.mu.ptr()),
        Launch.ptr(g.pc.ptr()), Launch.ptr(g.lnorm.ptr()), Launch.i(g.k), Launch.i(g.full ? 1 : 0), Launch.ptr(out.ptr()));
    Launch.run(NAME, f, (rows + block - 1) / block, 1, block, 1, 0, p);
  }
}
