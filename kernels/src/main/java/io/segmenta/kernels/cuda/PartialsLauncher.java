package io.segmenta.kernels.cuda;

import io.segmenta.kernels.gpu.ChunkPlan;
import io.segmenta.kernels.gpu.StepLayout;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/** {@code kmeans_partials}: a (cells x partitions) grid, one thread per cell of each partition's record. */
final class PartialsLauncher {
  static final String NAME = "kmeans_partials";
  private final CUfunction f;
  private final int block;

  PartialsLauncher(CudaContext ctx) {
    f = ctx.function(NAME);
    block = Math.min(128, ctx.maxThreadsPerBlock);
  }

  void launch(CUdeviceptr data, CudaMatrix x, CudaAssignments a, ChunkPlan.Chunk chunk, DeviceBuffer offsets, DeviceBuffer partials,
              jcuda.driver.CUstream stream) {
    StepLayout layout = chunk.layout();
    CUdeviceptr w = x.weights() == null ? new CUdeviceptr() : x.weights().ptr();
    Pointer p = Pointer.to(Launch.ptr(data), Launch.i(chunk.rows()), Launch.i(x.cols()), Launch.ptr(w), Launch.i(layout.k),
        Launch.i(layout.rowsPerPart), Launch.ptr(offsets.ptr()), Launch.ptr(a.order().ptr()), Launch.ptr(partials.ptr()),
        Launch.i(layout.stride), Launch.i((int) chunk.start()), Launch.i(chunk.partBase()));
    Launch.async(NAME, f, (layout.cells + block - 1) / block, layout.parts, block, 1, p, stream);
  }
}
