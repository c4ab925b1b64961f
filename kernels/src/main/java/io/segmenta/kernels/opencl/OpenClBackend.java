package io.segmenta.kernels.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

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
import org.jocl.CLException;
import org.jocl.Pointer;

/**
 * The OpenCL backend (JOCL): the same kernels and the same deterministic two-phase update as the
 * CUDA backend, built at open time from {@code kmeans.cl}. Calls are serialised on this object.
 */
public final class OpenClBackend implements ComputeBackend {
  private static final int PARTS_PER_UNIT = 8;

  private final OpenClContext ctx;
  private final AssignLauncher assign;
  private final AssignUpdateLauncher assignUpdate;
  /**
   * -Dsegmenta.opencl.update: unset (the fused assign + update kernel where the record fits in local memory,
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

  OpenClBackend(OpenClContext.Candidate device) {
    ctx = new OpenClContext(device);
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
    // Fused wherever the record fits, CPU devices included, so that CI runs the kernel GPUs run.
    update = System.getProperty("segmenta.opencl.update");
    info = new BackendInfo("opencl", BackendKind.OPENCL, device.describe() + ", " + ctx.computeUnits + " compute units", 1);
  }

  OpenClContext context() {
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
    if (x.rows() > Integer.MAX_VALUE) throw new IllegalArgumentException(x.rows() + " rows: the OpenCL backend keeps up to 2^31 - 1 rows");
    if (weights != null && weights.length != x.rows()) {
      throw new IllegalArgumentException("weights has " + weights.length + " entries for " + x.rows() + " rows");
    }
    try {
      long bytes = x.rows() * x.cols() * Float.BYTES;
      long budget = residentBudget();
      if (bytes > budget) {
        // Too large for the device: keep it on the host and stream chunks through at each step.
        return new OpenClMatrix(this, x, weights, x.columnMeans(), ChunkPlan.chunkRowsFor(budget, x.cols()));
      }
      return new OpenClMatrix(this, x, weights, x.columnMeans());
    } catch (CLException e) {
      throw new GpuKernelException("uploading " + x.rows() + " x " + x.cols() + " rows to " + ctx.candidate.describe() + " failed: "
          + e.getMessage(), e);
    }
  }

  /**
   * Bytes of data kept resident on the device: the system property {@code segmenta.device.residentBytes}
   * when set, else half the device's global memory (labels, distances and scratch need the rest).
   */
  private long residentBudget() {
    String p = System.getProperty("segmenta.device.residentBytes");
    if (p != null) return Long.parseLong(p.strip());
    return Math.min(ctx.globalMemory / 2, ctx.maxAlloc);
  }

  @Override
  public synchronized Assignments newAssignments(long rows) {
    open();
    return new OpenClAssignments(this, Math.toIntExact(rows));
  }

  @Override
  public synchronized void kmeansStep(DeviceMatrix xm, double[] centroids, int k, Assignments out, KMeansStepResult result) {
    OpenClMatrix x = own(xm);
    OpenClAssignments a = own(out, x);
    int d = x.cols();
    Staging.checkCentres(centroids, k, d, "centroids");
    float[] c = StepLayout.centredCentroids(centroids, k, d, x.mean());
    float[] norms = StepLayout.norms(c, k, d);
    ChunkPlan plan = new ChunkPlan(x.n(), k, d, x.chunkRows(), PARTS_PER_UNIT * ctx.computeUnits);
    long partBytes = (long) plan.totalParts * plan.stride * Double.BYTES;
    io.segmenta.kernels.ResourceLimitException.checkDevice("a K-Means step with k = " + k + " and d = " + d + " (partial sums of "
        + plan.totalParts + " partitions)", Math.max(partBytes, (long) c.length * Float.BYTES), ctx.maxAlloc, ctx.candidate.describe()
        + " (largest buffer)", "Use fewer clusters or columns, or the CPU backend (--backend cpu).");
    boolean fused = !"sorted".equals(update) && assignUpdate.fits(k, d);
    if (!fused && "fused".equals(update)) {
      throw new IllegalStateException("segmenta.opencl.update=fused, but k = " + k + " and d = " + d + " need "
          + assignUpdate.localBytes(k, d) + " bytes of local memory and " + ctx.candidate.describe() + " has " + ctx.localMemory);
    }
    try (ClBuffer cen = new ClBuffer(ctx, (long) c.length * Float.BYTES);
         ClBuffer nrm = new ClBuffer(ctx, (long) k * Float.BYTES);
         ClBuffer changed = new ClBuffer(ctx, Integer.BYTES);
         ClBuffer part = new ClBuffer(ctx, (long) plan.totalParts * plan.stride * Double.BYTES);
         ClBuffer offsets = fused ? null : new ClBuffer(ctx, (long) plan.totalParts * (k + 1) * Integer.BYTES);
         ClBuffer chunkData = x.streamed() ? new ClBuffer(ctx, (long) x.chunkRows() * d * Float.BYTES) : null;
         ClBuffer red = new ClBuffer(ctx, (long) plan.stride * Double.BYTES)) {
      clEnqueueWriteBuffer(ctx.queue, cen.mem(), CL_TRUE, 0, (long) c.length * Float.BYTES, Pointer.to(c), 0, null, null);
      clEnqueueWriteBuffer(ctx.queue, nrm.mem(), CL_TRUE, 0, (long) k * Float.BYTES, Pointer.to(norms), 0, null, null);
      clEnqueueFillBuffer(ctx.queue, changed.mem(), Pointer.to(new int[] {0}), Integer.BYTES, 0, Integer.BYTES, 0, null, null);
      for (ChunkPlan.Chunk ch : plan.chunks) {
        ClBuffer data = x.data();
        if (x.streamed()) {
          x.stageChunk(ch.start(), ch.rows(), chunkData);
          data = chunkData;
        }
        if (fused) {
          assignUpdate.launch(data, x, ch, cen, nrm, a, changed, part);
        } else {
          assign.launch(data, ch.rows(), d, ch.start(), cen, nrm, k, a, changed);
          bucket.launch(x, a, ch, offsets, part);
          partials.launch(data, x, a, ch, offsets, part);
        }
      }
      reduce.launch(part, plan.totalParts, plan.stride, red);
      double[] reduced = new double[plan.stride];
      int[] moved = new int[1];
      clEnqueueReadBuffer(ctx.queue, red.mem(), CL_TRUE, 0, (long) plan.stride * Double.BYTES, Pointer.to(reduced), 0, null, null);
      clEnqueueReadBuffer(ctx.queue, changed.mem(), CL_TRUE, 0, Integer.BYTES, Pointer.to(moved), 0, null, null);
      plan.chunks.get(0).layout().unpack(reduced, x.mean(), Integer.toUnsignedLong(moved[0]), result);
    } catch (CLException e) {
      throw new GpuKernelException("OpenCL K-Means step on " + ctx.candidate.describe() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void pairwiseSquaredDistances(DeviceMatrix xm, long from, int count, double[] centers, int m, float[] out) {
    OpenClMatrix x = own(xm);
    int d = x.cols();
    Staging.checkCentres(centers, m, d, "centers");
    Staging.checkRows(from, count, x.rows(), out, m);
    if (count == 0) return;
    float[] c = StepLayout.centredCentroids(centers, m, d, x.mean());
    float[] norms = StepLayout.norms(c, m, d);
    try (ClBuffer cen = new ClBuffer(ctx, (long) c.length * Float.BYTES);
         ClBuffer nrm = new ClBuffer(ctx, (long) m * Float.BYTES);
         ClBuffer res = new ClBuffer(ctx, (long) count * m * Float.BYTES)) {
      clEnqueueWriteBuffer(ctx.queue, cen.mem(), CL_TRUE, 0, (long) c.length * Float.BYTES, Pointer.to(c), 0, null, null);
      clEnqueueWriteBuffer(ctx.queue, nrm.mem(), CL_TRUE, 0, (long) m * Float.BYTES, Pointer.to(norms), 0, null, null);
      if (x.streamed()) {
        try (ClBuffer slice = new ClBuffer(ctx, (long) count * d * Float.BYTES)) {
          x.stageChunk(from, count, slice);
          pairwise.launch(slice, count, d, 0, count, cen, nrm, m, res);
        }
      } else {
        pairwise.launch(x.data(), x.n(), d, (int) from, count, cen, nrm, m, res);
      }
      clEnqueueReadBuffer(ctx.queue, res.mem(), CL_TRUE, 0, (long) count * m * Float.BYTES, Pointer.to(out), 0, null, null);
    } catch (CLException e) {
      throw new GpuKernelException("OpenCL pairwise distances on " + ctx.candidate.describe() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void gmmStep(DeviceMatrix xm, GmmComponents g, GmmStepResult result) {
    OpenClMatrix x = own(xm);
    int d = x.cols();
    Staging.checkColumns(g, d);
    GmmLayout layout = new GmmLayout(g);
    int chunkRows = Math.min(x.chunkRows(), GmmLayout.MAX_CHUNK_ROWS);
    int maxParts = PARTS_PER_UNIT * ctx.computeUnits;
    int totalParts = 0;
    for (long s = 0; s < x.n(); s += chunkRows) totalParts += GmmLayout.partsFor((int) Math.min(chunkRows, x.n() - s), maxParts);
    io.segmenta.kernels.ResourceLimitException.checkDevice("a GMM pass with k = " + g.k() + " and d = " + d,
        Math.max((long) totalParts * layout.stride * Double.BYTES, Math.max((long) g.k() * chunkRows * Float.BYTES,
            (long) g.precisionCholesky().length * Float.BYTES)), ctx.maxAlloc, ctx.candidate.describe() + " (largest buffer)",
        "Use fewer components or columns, diagonal covariances, or the CPU backend (--backend cpu).");
    try (GmmBuffers gb = new GmmBuffers(ctx, g, layout, x.mean());
         ClBuffer resp = new ClBuffer(ctx, (long) g.k() * chunkRows * Float.BYTES);
         ClBuffer rowll = new ClBuffer(ctx, (long) chunkRows * Double.BYTES);
         ClBuffer part = new ClBuffer(ctx, (long) totalParts * layout.stride * Double.BYTES);
         ClBuffer chunkData = x.streamed() ? new ClBuffer(ctx, (long) chunkRows * d * Float.BYTES) : null;
         ClBuffer red = new ClBuffer(ctx, (long) layout.stride * Double.BYTES)) {
      int partBase = 0;
      for (long s = 0; s < x.n(); s += chunkRows) {
        int rows = (int) Math.min(chunkRows, x.n() - s);
        ClBuffer data = x.data();
        int n = x.n(), start = (int) s;
        if (x.streamed()) {
          x.stageChunk(s, rows, chunkData);
          data = chunkData;
          n = rows;
          start = 0;
        }
        int parts = GmmLayout.partsFor(rows, maxParts);
        gmmResp.launch(data, n, start, rows, d, x, (int) s, gb, resp, rowll);
        gmmMoments.launch(data, n, start, rows, d, gb, resp, GmmLayout.rowsPerPart(rows, parts), parts, rowll, x, (int) s, part,
            layout.stride, partBase);
        partBase += parts;
      }
      reduce.launch(part, totalParts, layout.stride, red);
      double[] reduced = new double[layout.stride];
      clEnqueueReadBuffer(ctx.queue, red.mem(), CL_TRUE, 0, (long) layout.stride * Double.BYTES, Pointer.to(reduced), 0, null, null);
      layout.unpack(reduced, x.mean(), result);
    } catch (CLException e) {
      throw new GpuKernelException("OpenCL GMM EM pass on " + ctx.candidate.describe() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void gmmLogDensities(DeviceMatrix xm, long from, int count, GmmComponents g, double[] out) {
    OpenClMatrix x = own(xm);
    int d = x.cols();
    Staging.checkColumns(g, d);
    Staging.checkRows(from, count, x.rows(), out.length, g.k());
    if (count == 0) return;
    int k = g.k();
    float[] res = new float[Math.multiplyExact(count, k)];
    try (GmmBuffers gb = new GmmBuffers(ctx, g, new GmmLayout(g), x.mean());
         ClBuffer dev = new ClBuffer(ctx, (long) count * k * Float.BYTES)) {
      if (x.streamed()) {
        try (ClBuffer slice = new ClBuffer(ctx, (long) count * d * Float.BYTES)) {
          x.stageChunk(from, count, slice);
          gmmLogDens.launch(slice, count, 0, count, d, gb, dev);
        }
      } else {
        gmmLogDens.launch(x.data(), x.n(), (int) from, count, d, gb, dev);
      }
      clEnqueueReadBuffer(ctx.queue, dev.mem(), CL_TRUE, 0, (long) count * k * Float.BYTES, Pointer.to(res), 0, null, null);
    } catch (CLException e) {
      throw new GpuKernelException("OpenCL GMM densities on " + ctx.candidate.describe() + " failed: " + e.getMessage(), e);
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
    if (closed) throw new IllegalStateException("backend opencl is closed");
  }

  private OpenClMatrix own(DeviceMatrix x) {
    open();
    if (!(x instanceof OpenClMatrix m) || m.owner() != this) throw new IllegalArgumentException("matrix was not uploaded to this backend");
    return m;
  }

  private static OpenClAssignments own(Assignments out, OpenClMatrix m) {
    if (!(out instanceof OpenClAssignments a)) throw new IllegalArgumentException("assignments were not made by this backend");
    if (a.rows() != m.rows()) throw new IllegalArgumentException("assignments hold " + a.rows() + " rows, the matrix " + m.rows());
    return a;
  }
}
