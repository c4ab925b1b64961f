package io.segmenta.kernels.opencl;

import io.segmenta.kernels.gpu.StepLayout;

/** {@code kmeans_partials}: a (partitions x cell blocks) grid of work-groups, float64 cells in local memory. */
final class PartialsLauncher {
  private final Kernel k;
  private final long group;

  PartialsLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_partials");
    group = Math.min(256, ctx.maxWorkGroup);
  }

  void launch(OpenClMatrix x, OpenClAssignments a, StepLayout layout, ClBuffer partials) {
    k.begin().buf(x.data()).i(x.n()).i(x.cols()).buf(x.weightsOrDummy()).i(x.weighted() ? 1 : 0).buf(a.labels()).buf(a.dists())
        .i(layout.k).i(layout.rowsPerPart).i(layout.cellsPerBlock).buf(partials).local((long) layout.cellsPerBlock * Double.BYTES)
        .run(layout.parts * group, layout.cellBlocks, group, 1);
  }
}
