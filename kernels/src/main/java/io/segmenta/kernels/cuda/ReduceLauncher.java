package io.segmenta.kernels.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;

/** {@code kmeans_reduce}: one thread per cell, summing the partitions in order. */
final class ReduceLauncher {
  static final String NAME = "kmeans_reduce";
  private final CUfunction f;
  private final int block;

  ReduceLauncher(CudaContext ctx) {
    f = ctx.function(NAME);
    block = Math.min(256, ctx.maxThreadsPerBlock);
  }

  void launch(DeviceBuffer partials, int parts, int stride, DeviceBuffer out) {
    Pointer p = Pointer.to(Launch.ptr(partials.ptr()), Launch.i(parts), Launch.i(stride), Launch.ptr(out.ptr()));
    Launch.run(NAME, f, (stride + block - 1) / block, 1, block, 1, 0, p);
  }
}
