package io.segmenta.kernels.opencl;

import io.segmenta.kernels.gpu.ChunkPlan;
import io.segmenta.kernels.gpu.StepLayout;

/** {@code kmeans_bucket}: one work-item per update partition (a stable counting sort of its rows by cluster). */
final class BucketLauncher {
  private final Kernel k;
  private final long group;

  BucketLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_bucket");
    group = Math.min(64, ctx.maxWorkGroup);
  }

  void launch(OpenClMatrix x, OpenClAssignments a, ChunkPlan.Chunk chunk, ClBuffer offsets, ClBuffer partials) {
    StepLayout layout = chunk.layout();
    k.begin().i(chunk.rows()).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).buf(a.labels()).buf(a.dists()).i(layout.k)
        .i(layout.rowsPerPart).i(layout.parts).buf(offsets).buf(a.order()).buf(partials).i(layout.stride).i((int) chunk.start())
        .i(chunk.partBase())
        .run(layout.parts, 1, group, 1);
  }
}
