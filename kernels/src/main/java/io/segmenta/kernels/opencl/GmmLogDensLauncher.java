package io.segmenta.kernels.opencl;

/** {@code gmm_logdens_rows}: one work-item per row; log joint densities, row-major. */
final class GmmLogDensLauncher {
  private final Kernel k;
  private final long group;

  GmmLogDensLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "gmm_logdens_rows");
    group = Math.min(128, ctx.maxWorkGroup);
  }

  void launch(ClBuffer data, int n, int start, int rows, int d, GmmBuffers g, ClBuffer out) {
    k.begin().buf(data).i(n).i(start).i(rows).i(d).buf(g.mu()).buf(g.pc()).buf(g.lnorm()).i(g.k()).i(g.full() ? 1 : 0).buf(out)
        .run(rows, 1, group, 1);
  }
}
