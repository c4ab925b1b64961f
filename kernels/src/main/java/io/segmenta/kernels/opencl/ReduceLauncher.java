package io.segmenta.kernels.opencl;

import io.segmenta.kernels.gpu.StepLayout;

/** {@code kmeans_reduce}: one work-item per cell, partitions summed in order. */
final class ReduceLauncher {
  private final Kernel k;
  private final long group;

  ReduceLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_reduce");
    group = Math.min(256, ctx.maxWorkGroup);
  }

  void launch(ClBuffer partials, StepLayout layout, ClBuffer out) {
    k.begin().buf(partials).i(layout.parts).i(layout.stride).buf(out).run(layout.stride, 1, group, 1);
  }
}
