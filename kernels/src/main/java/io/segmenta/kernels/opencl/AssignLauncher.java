package io.segmenta.kernels.opencl;

/** {@code kmeans_assign}: one work-item per row. */
final class AssignLauncher {
  private final Kernel k;
  private final long group;

  AssignLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_assign");
    group = Math.min(256, ctx.maxWorkGroup);
  }

  void launch(OpenClMatrix x, ClBuffer cen, ClBuffer norms, int kk, OpenClAssignments a, ClBuffer changed) {
    k.begin().buf(x.data()).i(x.n()).i(x.cols()).buf(cen).buf(norms).i(kk).buf(a.labels()).buf(a.dists()).buf(changed)
        .run(x.n(), 1, group, 1);
  }
}
