package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;

import io.segmenta.kernels.gpu.ChunkPlan;
import io.segmenta.kernels.gpu.StepLayout;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;

/**
 * {@code kmeans_assign_update}: the assignment fused with phase one of the update, one block per
 * update partition holding the partition's record in shared memory. Used where that record fits
 * ({@link #fits}); elsewhere the backend runs assign, bucket and partials as three kernels. Both
 * give the same bits.
 */
final class AssignUpdateLauncher {
  static final String NAME = "kmeans_assign_update";
  /** The kernel's static shared memory: the centroid tile, 32 x 16 floats (ptxas: 2048 bytes). */
  private static final int STATIC_SHARED = 32 * 16 * Float.BYTES;

  private final CUfunction f;
  private final int block;
  private final int maxShared;
  private int optedIn;

  AssignUpdateLauncher(CudaContext ctx) {
    f = ctx.function(NAME);
    block = Math.min(256, ctx.maxThreadsPerBlock);
    maxShared = ctx.maxSharedPerBlockOptin;
  }

  /** Dynamic shared memory for k clusters of d columns: the record, four per-row arrays, the cluster offsets. */
  long dynamicBytes(int k, int d) {
    long stride = (long) k * (d + 2) + 1;
    return stride * Double.BYTES + block * (3L * Integer.BYTES + Float.BYTES) + (k + 1L) * Integer.BYTES;
  }

  /** Whether a partition's record for k clusters of d columns fits in a block's shared memory. */
  boolean fits(int k, int d) {
    return dynamicBytes(k, d) + STATIC_SHARED <= maxShared;
  }

  void launch(CUdeviceptr data, CudaMatrix x, ChunkPlan.Chunk chunk, DeviceBuffer cen, DeviceBuffer norms, CudaAssignments a,
              DeviceBuffer changed, DeviceBuffer partials, jcuda.driver.CUstream stream) {
    StepLayout l = chunk.layout();
    int bytes = Math.toIntExact(dynamicBytes(l.k, l.d));
    if (bytes > optedIn) {
      // Past 48 KB a kernel must ask for its dynamic shared memory before it is launched.
      cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
      optedIn = bytes;
    }
    CUdeviceptr w = x.weights() == null ? new CUdeviceptr() : x.weights().ptr(); // a null pointer: unit weights
    Pointer p = Pointer.to(Launch.ptr(data), Launch.i(chunk.rows()), Launch.i(l.d), Launch.ptr(cen.ptr()), Launch.ptr(norms.ptr()),
        Launch.i(l.k), Launch.ptr(w), Launch.ptr(a.labels().ptr()), Launch.ptr(a.dists().ptr()),
        Launch.ptr(changed.ptr()), Launch.i(l.rowsPerPart), Launch.ptr(partials.ptr()), Launch.i(l.stride), Launch.i((int) chunk.start()),
        Launch.i(chunk.partBase()));
    Launch.async(NAME, f, l.parts, 1, block, 1, bytes, p, stream);
  }
}
