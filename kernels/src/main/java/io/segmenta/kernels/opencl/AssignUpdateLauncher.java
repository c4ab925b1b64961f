package io.segmenta.kernels.opencl;

import io.segmenta.kernels.gpu.ChunkPlan;
import io.segmenta.kernels.gpu.StepLayout;

/**
 * {@code kmeans_assign_update}: the assignment fused with phase one of the update, one work-group
 * per update partition holding the partition's record in local memory. Used where that record fits
 * ({@link #fits}); elsewhere the backend runs assign, bucket and partials as three kernels. Both
 * give the same bits.
 */
final class AssignUpdateLauncher {
  /** The kernel's own local arrays: the centroid tile (32 x 16 floats) and a counter, rounded up. */
  private static final long STATIC_LOCAL = 32 * 16 * Float.BYTES + 64;

  private final Kernel k;
  private final long group;
  private final long localMemory;

  AssignUpdateLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_assign_update");
    group = Math.min(256, ctx.maxWorkGroup);
    localMemory = ctx.localMemory;
  }

  /** Local memory the kernel needs for k clusters of d columns. */
  long localBytes(int kk, int d) {
    long stride = (long) kk * (d + 2) + 1;
    return stride * Double.BYTES + group * (3L * Integer.BYTES + Float.BYTES) + (kk + 1L) * Integer.BYTES + STATIC_LOCAL;
  }

  /** Whether a partition's record for k clusters of d columns fits in the device's local memory. */
  boolean fits(int kk, int d) {
    return localBytes(kk, d) <= localMemory;
  }

  /** One chunk: rows [chunk.start, + chunk.rows) whose values are {@code data} (column-major). */
  void launch(ClBuffer data, OpenClMatrix x, ChunkPlan.Chunk chunk, ClBuffer cen, ClBuffer norms, OpenClAssignments a, ClBuffer changed,
      ClBuffer partials) {
    StepLayout l = chunk.layout();
    k.begin().buf(data).i(chunk.rows()).i(l.d).buf(cen).buf(norms).i(l.k).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0)
        .buf(a.labels()).buf(a.dists()).buf(changed).i(l.rowsPerPart).buf(partials).i(l.stride).i((int) chunk.start())
        .i(chunk.partBase())
        .local((long) l.stride * Double.BYTES).local(group * Integer.BYTES).local(group * Integer.BYTES).local(group * Float.BYTES)
        .local(group * Integer.BYTES).local((l.k + 1L) * Integer.BYTES)
        .run(l.parts * group, 1, group, 1);
  }
}
