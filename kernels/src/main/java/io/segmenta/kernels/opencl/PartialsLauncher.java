package io.segmenta.kernels.opencl;

import io.segmenta.kernels.gpu.StepLayout;

/** {@code kmeans_partials}: a (cells x partitions) grid, one work-item per cell of each partition's record. */
final class PartialsLauncher {
  private final Kernel k;
  private final long group;

  PartialsLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_partials");
    group = Math.min(128, ctx.maxWorkGroup);
  }

  void launch(OpenClMatrix x, OpenClAssignments a, StepLayout layout, ClBuffer offsets, ClBuffer partials) {
    k.begin().buf(x.data()).i(x.n()).i(x.cols()).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).i(layout.k).i(layout.rowsPerPart)
        .buf(offsets).buf(a.order()).buf(partials).i(layout.stride)
        .run(layout.cells, layout.parts, group, 1);
  }
}
