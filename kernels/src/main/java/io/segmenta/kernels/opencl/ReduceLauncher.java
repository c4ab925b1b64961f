package io.segmenta.kernels.opencl;


/** {@code kmeans_reduce}: one work-item per cell, partitions summed in order. */
final class ReduceLauncher {
  private final Kernel k;
  private final long group;

  ReduceLauncher(OpenClContext ctx) {
    k = new Kernel(ctx, "kmeans_reduce");
    group = Math.min(256, ctx.maxWorkGroup);
  }

  void launch(ClBuffer partials, int parts, int stride, ClBuffer out) {
    k.begin().buf(partials).i(parts).i(stride).buf(out).run(stride, 1, group, 1);
  }
}
