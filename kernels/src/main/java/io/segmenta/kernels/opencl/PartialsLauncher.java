package io.segmenta.kernels.opencl;

import io.segmenta.kernels.gpu.ChunkPlan;
import io.segmenta.kernels.gpu.StepLayout;

/** {@code kmeans_partials}: a (cells x partitions) grid, one work-item per cell of each partition's record. */
final class PartialsLauncher {
  private final Kernel k;
  private final long group;

  PartialsLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_partials");
    group = Math.min(128, ctx.maxWorkGroup);
  }

  void launch(ClBuffer data, OpenClMatrix x, OpenClAssignments a, ChunkPlan.Chunk chunk, ClBuffer offsets, ClBuffer partials) {
    StepLayout layout = chunk.layout();
    k.begin().buf(data).i(chunk.rows()).i(x.cols()).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).i(layout.k).i(layout.rowsPerPart)
        .buf(offsets).buf(a.order()).buf(partials).i(layout.stride).i((int) chunk.start()).i(chunk.partBase())
        .run(layout.cells, layout.parts, group, 1);
  }
}
