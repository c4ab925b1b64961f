package io.segmenta.kernels.cuda;

import io.segmenta.kernels.gpu.StepLayout;
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

  void launch(DeviceBuffer partials, StepLayout layout, DeviceBuffer out) {
    Pointer p = Pointer.to(Launch.ptr(partials.ptr()), Launch.i(layout.parts), Launch.i(layout.stride), Launch.ptr(out.ptr()));
    Launch.run(NAME, f, (layout.stride + block - 1) / block, 1, block, 1, 0, p);
  }
}
