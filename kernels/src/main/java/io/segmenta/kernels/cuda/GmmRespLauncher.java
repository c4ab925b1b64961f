package io.segmenta.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/** {@code gmm_resp}: one thread per row; responsibilities and row log-likelihoods of a chunk. */
final class GmmRespLauncher {
  static final String NAME = "gmm_resp";
  private final CUfunction f;
  private final int block;

  GmmRespLauncher(CudaContext ctx) {
    f = ctx.function("gmm", NAME);
    block = Math.min(128, ctx.maxThreadsPerBlock);
  }

  void launch(CUdeviceptr data, int n, int start, int rows, int d, CudaMatrix x, int wbase, GmmBuffers g, DeviceBuffer resp,
              DeviceBuffer rowll) {
    CUdeviceptr w = x.weights() == null ? new CUdeviceptr() : x.weights().ptr();
    Pointer p = Pointer.to(Launch.ptr(data), Launch.i(n), Launch.i(start), Launch.i(rows), Launch.i(d), Launch.ptr(w),
        Launch.i(x.weights() == null ? 0 : 1), Launch.i(wbase), Launch.ptr(g.mu.ptr()), Launch.ptr(g.pc.ptr()),
        Launch.ptr(g.lnorm.ptr()), Launch.i(g.k), Launch.i(g.full ? 1 : 0), Launch.ptr(resp.ptr()), Launch.ptr(rowll.ptr()));
    Launch.run(NAME, f, (rows + block - 1) / block, 1, block, 1, 0, p);
  }
}
