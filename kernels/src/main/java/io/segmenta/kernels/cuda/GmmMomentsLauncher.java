package io.segmenta.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/** {@code gmm_moments}: a (record entries x partitions) grid over one chunk's responsibilities. */
final class GmmMomentsLauncher {
  static final String NAME = "gmm_moments";
  private final CUfunction f;
  private final int block;

  GmmMomentsLauncher(CudaContext ctx) {
    f = ctx.function("gmm", NAME);
    block = Math.min(64, ctx.maxThreadsPerBlock);
  }

  void launch(CUdeviceptr data, int n, int start, int rows, int d, GmmBuffers g, DeviceBuffer resp, int rowsPerPart, int parts,
              DeviceBuffer rowll, CudaMatrix x, int wbase, DeviceBuffer partials, int stride, int partBase) {
    CUdeviceptr w = x.weights() == null ? new CUdeviceptr() : x.weights().ptr();
    Pointer p = Pointer.to(Launch.ptr(data), Launch.i(n), Launch.i(start), Launch.i(rows), Launch.i(d), Launch.ptr(resp.ptr()),
        Launch.i(g.k), Launch.ptr(g.pairs.ptr()), Launch.i(g.moments), Launch.i(rowsPerPart), Launch.ptr(rowll.ptr()), Launch.ptr(w),
        Launch.i(x.weights() == null ? 0 : 1), Launch.i(wbase), Launch.ptr(partials.ptr()), Launch.i(stride), Launch.i(partBase));
    Launch.run(NAME, f, (stride + block - 1) / block, parts, block, 1, 0, p);
  }
}
