package io.segmenta.kernels.cuda;

import io.segmenta.kernels.gpu.ChunkPlan;
import io.segmenta.kernels.gpu.StepLayout;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/** {@code kmeans_bucket}: one thread per update partition (a stable counting sort of its rows by cluster). */
final class BucketLauncher {
  static final String NAME = "kmeans_bucket";
  private final CUfunction f;
  private final int block;

  BucketLauncher(CudaContext ctx) {
    f = ctx.function(NAME);
    block = Math.min(64, ctx.maxThreadsPerBlock);
  }

  void launch(CudaMatrix x, CudaAssignments a, ChunkPlan.Chunk chunk, DeviceBuffer offsets, DeviceBuffer partials,
              jcuda.driver.CUstream stream) {
    StepLayout layout = chunk.layout();
    CUdeviceptr w = x.weights() == null ? new CUdeviceptr() : x.weights().ptr(); // a null pointer: unit weights
    Pointer p = Pointer.to(Launch.i(chunk.rows()), Launch.ptr(w), Launch.ptr(a.labels().ptr()), Launch.ptr(a.dists().ptr()),
        Launch.i(layout.k), Launch.i(layout.rowsPerPart), Launch.i(layout.parts), Launch.ptr(offsets.ptr()), Launch.ptr(a.order().ptr()),
        Launch.ptr(partials.ptr()), Launch.i(layout.stride), Launch.i((int) chunk.start()), Launch.i(chunk.partBase()));
    Launch.async(NAME, f, (layout.parts + block - 1) / block, 1, block, 1, p, stream);
  }
}
