package io.segmenta.kernels.opencl;

/** {@code pairwise_sqdist}: 16 x 16 output tiles. */
final class PairwiseLauncher {
  static final int TILE = 16;
  private final Kernel k;

  PairwiseLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "pairwise_sqdist");
  }

  /** Rows [from, from + count) of {@code data} (column-major, {@code n} rows). */
  void launch(ClBuffer data, int n, int d, int from, int count, ClBuffer cen, ClBuffer norms, int m, ClBuffer out) {
    k.begin().buf(data).i(n).i(d).i(from).i(count).buf(cen).buf(norms).i(m).buf(out).run(m, count, TILE, TILE);
  }
}
