package io.segmenta.kernels.opencl;

/** {@code gmm_resp}: one work-item per row; responsibilities and row log-likelihoods of a chunk. */
final class GmmRespLauncher {
  private final Kernel k;
  private final long group;

  GmmRespLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "gmm_resp");
    group = Math.min(128, ctx.maxWorkGroup);
  }

  void launch(ClBuffer data, int n, int start, int rows, int d, OpenClMatrix x, int wbase, GmmBuffers g, ClBuffer resp, ClBuffer rowll) {
    k.begin().buf(data).i(n).i(start).i(rows).i(d).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).i(wbase)
        .buf(g.mu()).buf(g.pc()).buf(g.lnorm()).i(g.k()).i(g.full() ? 1 : 0).buf(resp).buf(rowll).run(rows, 1, group, 1);
  }
}
