package io.segmenta.kernels.opencl;

/**
 * The assignment, one work-item per row: {@code kmeans_assign} (register-tiled centroids staged in
 * local memory) on a GPU, {@code kmeans_assign_flat} (plain loops, vectorised across work-items by
 * the compiler) on a CPU device, where local memory and barriers only cost.
 */
final class AssignLauncher {
  private final Kernel k;
  private final long group;

  AssignLauncher(OpenClContext ctx) {
    // -Dsegmenta.opencl.assign=tiled|flat overrides the choice (the tests run both on PoCL).
    String forced = System.getProperty("segmenta.opencl.assign");
    boolean tiled = forced != null ? forced.equals("tiled") : ctx.candidate.gpu();
    k = new Kernel(ctx, tiled ? "kmeans_assign" : "kmeans_assign_flat");
    group = Math.min(256, ctx.maxWorkGroup);
  }

  /** Rows [base, base + rows) of the assignments, whose values are {@code data} (column-major, {@code rows} rows). */
  void launch(ClBuffer data, int rows, int d, long base, ClBuffer cen, ClBuffer norms, int kk, OpenClAssignments a, ClBuffer changed) {
    k.begin().buf(data).i(rows).i(d).buf(cen).buf(norms).i(kk).buf(a.labels()).buf(a.dists()).buf(changed).i((int) base)
        .run(rows, 1, group, 1);
  }
}
