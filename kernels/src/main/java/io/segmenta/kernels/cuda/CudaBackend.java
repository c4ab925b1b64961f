package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendInfo;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.GpuKernelException;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.kernels.gpu.ChunkPlan;
import io.segmenta.kernels.gpu.GmmLayout;
import io.segmenta.kernels.gpu.Staging;
import io.segmenta.kernels.gpu.StepLayout;
import java.util.Objects;
import jcuda.CudaException;
import jcuda.Pointer;

/**
 * The CUDA backend (JCuda, driver API). Data uploaded once stays on the device; each K-Means step
 * runs four kernels (assign, per-partition counting sort by cluster, partial sums, ordered reduction) and brings back only the k x (d + 2)
 * record and the count of moved labels. Calls are serialised on this object: one device, one queue.
 */
public final class CudaBackend implements ComputeBackend {
  /** Update partitions per multiprocessor: enough blocks in flight to hide the row loop's latency. */
  private static final int PARTS_PER_SM = 8;

  private final CudaContext ctx;
  private final AssignLauncher assign;
  private final AssignUpdateLauncher assignUpdate;
  /**
   * -Dsegmenta.cuda.update: unset (the fused assign + update kernel where the record fits in shared memory,
   * else three kernels), {@code fused} (an error where it does not fit) or {@code sorted}.
   */
  private final String update;
  private final BucketLauncher bucket;
  private final PartialsLauncher partials;
  private final ReduceLauncher reduce;
  private final PairwiseLauncher pairwise;
  private final GmmRespLauncher gmmResp;
  private final GmmMomentsLauncher gmmMoments;
  private final GmmLogDensLauncher gmmLogDens;
  private final BackendInfo info;
  private boolean closed;

  CudaBackend(int ordinal) {
    ctx = new CudaContext(ordinal);
    try {
      assign = new AssignLauncher(ctx);
      assignUpdate = new AssignUpdateLauncher(ctx);
      bucket = new BucketLauncher(ctx);
      partials = new PartialsLauncher(ctx);
      reduce = new ReduceLauncher(ctx);
      pairwise = new PairwiseLauncher(ctx);
      gmmResp = new GmmRespLauncher(ctx);
      gmmMoments = new GmmMomentsLauncher(ctx);
      gmmLogDens = new GmmLogDensLauncher(ctx);
    } catch (RuntimeException e) {
      ctx.close();
      throw e;
    }
    update = System.getProperty("segmenta.cuda.update");
    info = new BackendInfo("cuda", BackendKind.CUDA, String.format("%s (sm_%d%d, %d SMs, %.0f GiB)", ctx.name, ctx.computeMajor,
        ctx.computeMinor, ctx.multiprocessors, ctx.totalMemory / (double) (1L << 30)), 1);
  }

  CudaContext context() {
    return ctx;
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  @Override
  public synchronized DeviceMatrix upload(HostMatrix x, float[] weights) {
    Objects.requireNonNull(x, "x");
    open();
    if (x.rows() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(x.rows() + " rows: the CUDA backend keeps up to 2^31 - 1 rows on the device");
    }
    if (weights != null && weights.length != x.rows()) {
      throw new IllegalArgumentException("weights has " + weights.length + " entries for " + x.rows() + " rows");
    }
    long need = x.rows() * x.cols() * Float.BYTES + (weights == null ? 0 : x.rows() * Float.BYTES);
    try {
      long budget = residentBudget();
      if (x.rows() * x.cols() * Float.BYTES > budget) {
        // Larger than the device: stream it from the host (a mapped store) chunk by chunk at each step.
        return new CudaMatrix(this, x, weights, x.columnMeans(), ChunkPlan.chunkRowsFor(budget, x.cols()));
      }
      return new CudaMatrix(this, x, weights, x.columnMeans());
    } catch (CudaException e) {
      throw new GpuKernelException("uploading " + x.rows() + " x " + x.cols() + " rows (" + need + " bytes) to " + ctx.name
          + " failed: " + e.getMessage() + "; lower -Dsegmenta.device.residentBytes to stream it through the device in chunks", e);
    }
  }

  /**
   * Bytes of data kept resident: the system property {@code segmenta.device.residentBytes} when set,
   * else half the device's free memory (labels, distances and scratch need the rest).
   */
  private long residentBudget() {
    String p = System.getProperty("segmenta.device.residentBytes");
    if (p != null) return Long.parseLong(p.strip());
    long[] free = new long[1], total = new long[1];
    jcuda.driver.JCudaDriver.cuMemGetInfo(free, total);
    return free[0] / 2;
  }

  @Override
  public synchronized Assignments newAssignments(long rows) {
    open();
    return new CudaAssignments(this, Math.toIntExact(rows));
  }

  @Override
  public synchronized void kmeansStep(DeviceMatrix xm, double[] centroids, int k, Assignments out, KMeansStepResult result) {
    CudaMatrix x = own(xm);
    CudaAssignments a = own(out, x);
    int d = x.cols();
    Staging.checkCentres(centroids, k, d, "centroids");
    float[] c = StepLayout.centredCentroids(centroids, k, d, x.mean());
    float[] norms = StepLayout.norms(c, k, d);
    ChunkPlan plan = new ChunkPlan(x.n(), k, d, x.chunkRows(), PARTS_PER_SM * ctx.multiprocessors);
    io.segmenta.kernels.ResourceLimitException.checkDevice("a K-Means step with k = " + k + " and d = " + d + " (partial sums of "
        + plan.totalParts + " partitions)", (long) plan.totalParts * plan.stride * Double.BYTES + (long) plan.totalParts * (k + 1) * Integer.BYTES
        + (long) c.length * Float.BYTES, ctx.totalMemory, ctx.name, "Use fewer clusters or columns, or the CPU backend (--backend cpu).");
    boolean streamed = x.streamed();
    long chunkBytes = (long) x.chunkRows() * d * Float.BYTES;
    boolean fused = !"sorted".equals(update) && assignUpdate.fits(k, d);
    if (!fused && "fused".equals(update)) {
      throw new IllegalStateException("segmenta.cuda.update=fused, but k = " + k + " and d = " + d + " need "
          + assignUpdate.dynamicBytes(k, d) + " bytes of shared memory and " + ctx.name + " allows " + ctx.maxSharedPerBlockOptin);
    }
    try (DeviceBuffer cen = new DeviceBuffer((long) c.length * Float.BYTES);
         DeviceBuffer nrm = new DeviceBuffer((long) k * Float.BYTES);
         DeviceBuffer changed = new DeviceBuffer(Long.BYTES);
         DeviceBuffer part = new DeviceBuffer((long) plan.totalParts * plan.stride * Double.BYTES);
         DeviceBuffer offsets = fused ? null : new DeviceBuffer((long) plan.totalParts * (k + 1) * Integer.BYTES);
         DeviceBuffer red = new DeviceBuffer((long) plan.stride * Double.BYTES);
         Streams streams = streamed ? new Streams(chunkBytes) : null) {
      cuMemcpyHtoD(cen.ptr(), Pointer.to(c), (long) c.length * Float.BYTES);
      cuMemcpyHtoD(nrm.ptr(), Pointer.to(norms), (long) k * Float.BYTES);
      cuMemsetD32(changed.ptr(), 0, 2);
      int i = 0;
      for (ChunkPlan.Chunk ch : plan.chunks) {
        jcuda.driver.CUdeviceptr data = x.data() == null ? null : x.data().ptr();
        jcuda.driver.CUstream stream = null;
        if (streamed) {
          // Two streams: while one chunk's kernels run, the next chunk is staged and copied.
          int s = i++ & 1;
          stream = streams.stream[s];
          jcuda.driver.JCudaDriver.cuStreamSynchronize(stream); // buffers s are free again
          x.stageChunk(ch.start(), ch.rows(), streams.pinned[s]);
          jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync(streams.device[s].ptr(), streams.pinned[s].ptr(),
              (long) ch.rows() * d * Float.BYTES, stream);
          data = streams.device[s].ptr();
        }
        if (fused) {
          assignUpdate.launch(data, x, ch, cen, nrm, a, changed, part, stream);
        } else {
          assign.launch(data, ch.rows(), d, ch.start(), cen, nrm, k, a, changed, stream);
          bucket.launch(x, a, ch, offsets, part, stream);
          partials.launch(data, x, a, ch, offsets, part, stream);
        }
      }
      jcuda.driver.JCudaDriver.cuCtxSynchronize();
      reduce.launch(part, plan.totalParts, plan.stride, red);
      double[] reduced = new double[plan.stride];
      long[] moved = new long[1];
      cuMemcpyDtoH(Pointer.to(reduced), red.ptr(), (long) plan.stride * Double.BYTES);
      cuMemcpyDtoH(Pointer.to(moved), changed.ptr(), Long.BYTES);
      plan.chunks.get(0).layout().unpack(reduced, x.mean(), moved[0], result);
    } catch (CudaException e) {
      throw new GpuKernelException("CUDA K-Means step on " + ctx.name + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void pairwiseSquaredDistances(DeviceMatrix xm, long from, int count, double[] centers, int m, float[] out) {
    CudaMatrix x = own(xm);
    int d = x.cols();
    Staging.checkCentres(centers, m, d, "centers");
    Staging.checkRows(from, count, x.rows(), out, m);
    if (count == 0) return;
    float[] c = StepLayout.centredCentroids(centers, m, d, x.mean());
    float[] norms = StepLayout.norms(c, m, d);
    try (DeviceBuffer cen = new DeviceBuffer((long) c.length * Float.BYTES);
         DeviceBuffer nrm = new DeviceBuffer((long) m * Float.BYTES);
         DeviceBuffer res = new DeviceBuffer((long) count * m * Float.BYTES)) {
      cuMemcpyHtoD(cen.ptr(), Pointer.to(c), (long) c.length * Float.BYTES);
      cuMemcpyHtoD(nrm.ptr(), Pointer.to(norms), (long) m * Float.BYTES);
      if (x.streamed()) {
        try (PinnedBuffer host = new PinnedBuffer((long) count * d * Float.BYTES);
             DeviceBuffer slice = new DeviceBuffer((long) count * d * Float.BYTES)) {
          x.stageChunk(from, count, host);
          cuMemcpyHtoD(slice.ptr(), host.ptr(), (long) count * d * Float.BYTES);
          pairwise.launch(slice.ptr(), count, d, 0, count, cen, nrm, m, res);
        }
      } else {
        pairwise.launch(x.data().ptr(), x.n(), d, (int) from, count, cen, nrm, m, res);
      }
      cuMemcpyDtoH(Pointer.to(out), res.ptr(), (long) count * m * Float.BYTES);
    } catch (CudaException e) {
      throw new GpuKernelException("CUDA pairwise distances on " + ctx.name + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void gmmStep(DeviceMatrix xm, GmmComponents g, GmmStepResult result) {
    CudaMatrix x = own(xm);
    int d = x.cols();
    Staging.checkColumns(g, d);
    GmmLayout layout = new GmmLayout(g);
    int chunkRows = Math.min(x.chunkRows(), GmmLayout.MAX_CHUNK_ROWS);
    int maxParts = PARTS_PER_SM * ctx.multiprocessors;
    int totalParts = 0;
    for (long s = 0; s < x.n(); s += chunkRows) totalParts += GmmLayout.partsFor((int) Math.min(chunkRows, x.n() - s), maxParts);
    boolean streamed = x.streamed();
    io.segmenta.kernels.ResourceLimitException.checkDevice("a GMM pass with k = " + g.k() + " and d = " + d,
        (long) totalParts * layout.stride * Double.BYTES + (long) g.k() * chunkRows * Float.BYTES + (long) chunkRows * Double.BYTES
            + (long) g.precisionCholesky().length * Float.BYTES, ctx.totalMemory, ctx.name,
        "Use fewer components or columns, diagonal covariances, or the CPU backend (--backend cpu).");
    try (GmmBuffers gb = new GmmBuffers(g, layout, x.mean());
         DeviceBuffer resp = new DeviceBuffer((long) g.k() * chunkRows * Float.BYTES);
         DeviceBuffer rowll = new DeviceBuffer((long) chunkRows * Double.BYTES);
         DeviceBuffer part = new DeviceBuffer((long) totalParts * layout.stride * Double.BYTES);
         PinnedBuffer host = streamed ? new PinnedBuffer((long) chunkRows * d * Float.BYTES) : null;
         DeviceBuffer chunk = streamed ? new DeviceBuffer((long) chunkRows * d * Float.BYTES) : null;
         DeviceBuffer red = new DeviceBuffer((long) layout.stride * Double.BYTES)) {
      int partBase = 0;
      for (long s = 0; s < x.n(); s += chunkRows) {
        int rows = (int) Math.min(chunkRows, x.n() - s);
        int n = x.n(), start = (int) s;
        jcuda.driver.CUdeviceptr data;
        if (streamed) {
          x.stageChunk(s, rows, host);
          cuMemcpyHtoD(chunk.ptr(), host.ptr(), (long) rows * d * Float.BYTES);
          data = chunk.ptr();
          n = rows;
          start = 0;
        } else {
          data = x.data().ptr();
        }
        int parts = GmmLayout.partsFor(rows, maxParts);
        gmmResp.launch(data, n, start, rows, d, x, (int) s, gb, resp, rowll);
        gmmMoments.launch(data, n, start, rows, d, gb, resp, GmmLayout.rowsPerPart(rows, parts), parts, rowll, x, (int) s, part,
            layout.stride, partBase);
        partBase += parts;
      }
      reduce.launch(part, totalParts, layout.stride, red);
      double[] reduced = new double[layout.stride];
      cuMemcpyDtoH(Pointer.to(reduced), red.ptr(), (long) layout.stride * Double.BYTES);
      layout.unpack(reduced, x.mean(), result);
    } catch (CudaException e) {
      throw new GpuKernelException("CUDA GMM EM pass on " + ctx.name + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void gmmLogDensities(DeviceMatrix xm, long from, int count, GmmComponents g, double[] out) {
    CudaMatrix x = own(xm);
    int d = x.cols();
    Staging.checkColumns(g, d);
    Staging.checkRows(from, count, x.rows(), out.length, g.k());
    if (count == 0) return;
    int k = g.k();
    float[] res = new float[Math.multiplyExact(count, k)];
    try (GmmBuffers gb = new GmmBuffers(g, new GmmLayout(g), x.mean());
         DeviceBuffer dev = new DeviceBuffer((long) count * k * Float.BYTES)) {
      if (x.streamed()) {
        try (PinnedBuffer host = new PinnedBuffer((long) count * d * Float.BYTES);
             DeviceBuffer slice = new DeviceBuffer((long) count * d * Float.BYTES)) {
          x.stageChunk(from, count, host);
          cuMemcpyHtoD(slice.ptr(), host.ptr(), (long) count * d * Float.BYTES);
          gmmLogDens.launch(slice.ptr(), count, 0, count, d, gb, dev);
        }
      } else {
        gmmLogDens.launch(x.data().ptr(), x.n(), (int) from, count, d, gb, dev);
      }
      cuMemcpyDtoH(Pointer.to(res), dev.ptr(), (long) count * k * Float.BYTES);
    } catch (CudaException e) {
      throw new GpuKernelException("CUDA GMM densities on " + ctx.name + " failed: " + e.getMessage(), e);
    }
    for (int i = 0; i < res.length; i++) out[i] = res[i];
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    ctx.close();
  }

  private void open() {
    if (closed) throw new IllegalStateException("backend cuda is closed");
    ctx.makeCurrent();
  }

  private CudaMatrix own(DeviceMatrix x) {
    open();
    if (!(x instanceof CudaMatrix m) || m.owner() != this) throw new IllegalArgumentException("matrix was not uploaded to this backend");
    return m;
  }

  private static CudaAssignments own(Assignments out, CudaMatrix m) {
    if (!(out instanceof CudaAssignments a)) throw new IllegalArgumentException("assignments were not made by this backend");
    if (a.rows() != m.rows()) throw new IllegalArgumentException("assignments hold " + a.rows() + " rows, the matrix " + m.rows());
    return a;
  }

  /** The two streams of a streamed step, each with a pinned staging buffer and a device chunk buffer. */
  private static final class Streams implements AutoCloseable {
    final jcuda.driver.CUstream[] stream = new jcuda.driver.CUstream[2];
    final PinnedBuffer[] pinned = new PinnedBuffer[2];
    final DeviceBuffer[] device = new DeviceBuffer[2];

    Streams(long chunkBytes) {
      try {
        for (int s = 0; s < 2; s++) {
          stream[s] = new jcuda.driver.CUstream();
          jcuda.driver.JCudaDriver.cuStreamCreate(stream[s], jcuda.driver.CUstream_flags.CU_STREAM_NON_BLOCKING);
          pinned[s] = new PinnedBuffer(chunkBytes);
          device[s] = new DeviceBuffer(chunkBytes);
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      for (int s = 0; s < 2; s++) {
        if (stream[s] != null) {
          jcuda.driver.JCudaDriver.cuStreamSynchronize(stream[s]);
          jcuda.driver.JCudaDriver.cuStreamDestroy(stream[s]);
        }
        if (pinned[s] != null) pinned[s].close();
        if (device[s] != null) device[s].close();
      }
    }
  }
}
