package io.segmenta.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;

/** {@code pairwise_sqdist}: 16 x 16 output tiles. */
final class PairwiseLauncher {
  static final String NAME = "pairwise_sqdist";
  static final int TILE = 16;
  private final CUfunction f;

  PairwiseLauncher(CudaContext ctx) {
    f = ctx.function(NAME);
  }

  /** Rows [from, from + count) of {@code data} (column-major, {@code n} rows). */
  void launch(jcuda.driver.CUdeviceptr data, int n, int d, int from, int count, DeviceBuffer cen, DeviceBuffer norms, int m,
              DeviceBuffer out) {
    Pointer p = Pointer.to(Launch.ptr(data), Launch.i(n), Launch.i(d), Launch.i(from), Launch.i(count),
        Launch.ptr(cen.ptr()), Launch.ptr(norms.ptr()), Launch.i(m), Launch.ptr(out.ptr()));
    Launch.run(NAME, f, (m + TILE - 1) / TILE, (count + TILE - 1) / TILE, TILE, TILE, 0, p);
  }
}
