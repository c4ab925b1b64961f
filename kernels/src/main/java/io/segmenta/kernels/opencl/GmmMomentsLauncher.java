package io.segmenta.kernels.opencl;

/** {@code gmm_moments}: a (record entries x partitions) grid over one chunk's responsibilities. */
final class GmmMomentsLauncher {
  private final Kernel k;
  private final long group;

  GmmMomentsLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "gmm_moments");
    group = Math.min(64, ctx.maxWorkGroup);
  }

  void launch(ClBuffer data, int n, int start, int rows, int d, GmmBuffers g, ClBuffer resp, int rowsPerPart, int parts,
              ClBuffer rowll, OpenClMatrix x, int wbase, ClBuffer partials, int stride, int partBase) {
    k.begin().buf(data).i(n).i(start).i(rows).i(d).buf(resp).i(g.k()).buf(g.pairs()).i(g.moments()).i(rowsPerPart).buf(rowll)
        .buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).i(wbase).buf(partials).i(stride).i(partBase).run(stride, parts, group, 1);
  }
}
