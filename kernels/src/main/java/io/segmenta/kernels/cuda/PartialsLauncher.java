package io.segmenta.kernels.cuda;

import io.segmenta.kernels.gpu.StepLayout;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/** {@code kmeans_partials}: a (partitions x cell blocks) grid, float64 cells in shared memory. */
final class PartialsLauncher {
  static final String NAME = "kmeans_partials";
  private final CUfunction f;
  private final int block;

  PartialsLauncher(CudaContext ctx) {
    f = ctx.function(NAME);
    block = Math.min(256, ctx.maxThreadsPerBlock);
  }

  void launch(CudaMatrix x, CudaAssignments a, StepLayout layout, DeviceBuffer partials) {
    CUdeviceptr w = x.weights() == null ? new CUdeviceptr() : x.weights().ptr(); // a null pointer: unit weights
    Pointer p = Pointer.to(Launch.ptr(x.data().ptr()), Launch.i(x.n()), Launch.i(x.cols()), Launch.ptr(w),
        Launch.ptr(a.labels().ptr()), Launch.ptr(a.dists().ptr()), Launch.i(layout.k), Launch.i(layout.rowsPerPart),
        Launch.i(layout.cellsPerBlock), Launch.ptr(partials.ptr()));
    Launch.run(NAME, f, layout.parts, layout.cellBlocks, block, 1, layout.cellsPerBlock * Double.BYTES, p);
  }
}
