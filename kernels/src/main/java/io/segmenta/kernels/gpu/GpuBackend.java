package io.segmenta.kernels.gpu;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendInfo;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.GpuKernelException;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.kernels.ResourceLimitException;
import java.util.Objects;

/**
 * The GPU backend, written once over a {@link Device} (CUDA or OpenCL). Data uploaded once stays on
 * the device; a K-Means step runs the fused assign + update kernel where a partition's record fits
 * in local memory, else four kernels (assign, per-partition counting sort by cluster, partial sums),
 * then the ordered reduction, and brings back only the k x (d + 2) record and the count of moved
 * labels. Calls are serialised on this object: one device, one main queue.
 */
public final class GpuBackend implements ComputeBackend {
  /** Update partitions per compute unit: enough groups in flight to hide the row loop's latency. */
  private static final int PARTS_PER_UNIT = 8;

  private final Gpu gpu;
  private final Device.Properties props;
  private final Launchers kernels;
  /**
   * -Dsegmenta.BACKEND.update: unset (the fused assign + update kernel where the record fits in
   * local memory, else three kernels), {@code fused} (an error where it does not fit) or {@code sorted}.
   */
  private final String update;
  private final BackendInfo info;
  private boolean closed;

  /** Takes {@code device} over: closing the backend closes it, as does a failure here. */
  public GpuBackend(Device device) {
    try {
      gpu = new Gpu(device);
      kernels = new Launchers(gpu);
    } catch (RuntimeException e) {
      device.close();
      throw e;
    }
    props = gpu.props;
    // Fused wherever the record fits, OpenCL CPU devices included, so that CI runs the kernel GPUs run.
    update = System.getProperty("segmenta." + props.id() + ".update");
    info = new BackendInfo(props.id(), props.kind(), props.summary(), 1);
  }

  Gpu gpu() {
    return gpu;
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
      throw new IllegalArgumentException(x.rows() + " rows: the " + props.api() + " backend keeps up to 2^31 - 1 rows on the device");
    }
    if (weights != null && weights.length != x.rows()) {
      throw new IllegalArgumentException("weights has " + weights.length + " entries for " + x.rows() + " rows");
    }
    long bytes = x.rows() * x.cols() * Float.BYTES;
    try {
      long budget = residentBudget();
      // Larger than the budget: stream it from the host (a mapped store) chunk by chunk at each step.
      int chunkRows = bytes > budget ? ChunkPlan.chunkRowsFor(budget, x.cols()) : 0;
      return new GpuMatrix(this, x, weights, x.columnMeans(), chunkRows);
    } catch (RuntimeException e) {
      RuntimeException f = gpu.failure(e, "upload of " + x.rows() + " x " + x.cols() + " rows (" + bytes + " bytes)");
      if (!(f instanceof GpuKernelException)) throw f;
      throw new GpuKernelException(f.getMessage() + "; lower -Dsegmenta.device.residentBytes to stream the data through the device in chunks", f);
    }
  }

  /**
   * Bytes of data kept resident: the system property {@code segmenta.device.residentBytes} when set,
   * else the device layer's budget.
   */
  private long residentBudget() {
    String p = System.getProperty("segmenta.device.residentBytes");
    if (p != null) return Long.parseLong(p.strip());
    return gpu.device.residentBudget();
  }

  @Override
  public synchronized Assignments newAssignments(long rows) {
    open();
    return new GpuAssignments(this, Math.toIntExact(rows));
  }

  /**
   * Refuses a step before anything is allocated when its buffers exceed the device's limit: all of
   * them together, or the largest where the device limits each buffer (OpenCL).
   */
  private void guard(String what, String alternative, long... buffers) {
    long need = 0;
    for (long b : buffers) need = props.perBuffer() ? Math.max(need, b) : need + b;
    ResourceLimitException.checkDevice(what, need, props.memoryLimit(), props.limitWhat(), alternative);
  }

  @Override
  public synchronized void kmeansStep(DeviceMatrix xm, double[] centroids, int k, Assignments out, KMeansStepResult result) {
    GpuMatrix x = own(xm);
    GpuAssignments a = own(out, x);
    int d = x.cols();
    Staging.checkCentres(centroids, k, d, "centroids");
    float[] c = StepLayout.centredCentroids(centroids, k, d, x.mean());
    float[] norms = StepLayout.norms(c, k, d);
    ChunkPlan plan = new ChunkPlan(x.n(), k, d, x.chunkRows(), PARTS_PER_UNIT * props.computeUnits());
    long partBytes = (long) plan.totalParts * plan.stride * Double.BYTES;
    guard("a K-Means step with k = " + k + " and d = " + d + " (partial sums of " + plan.totalParts + " partitions)",
        "Use fewer clusters or columns, or the CPU backend (--backend cpu).", partBytes,
        (long) plan.totalParts * (k + 1) * Integer.BYTES, (long) c.length * Float.BYTES);
    boolean fused = !"sorted".equals(update) && kernels.fusedFits(k, d);
    if (!fused && "fused".equals(update)) {
      throw new IllegalStateException("segmenta." + props.id() + ".update=fused, but k = " + k + " and d = " + d + " need "
          + (kernels.fusedLocalBytes(k, d) + Launchers.FUSED_STATIC_LOCAL) + " bytes of local memory and " + props.device() + " has "
          + props.localMemory());
    }
    try (DeviceBuffer cen = gpu.upload(c);
         DeviceBuffer nrm = gpu.upload(norms);
         DeviceBuffer changed = gpu.alloc(Integer.BYTES);
         DeviceBuffer part = gpu.alloc(partBytes);
         DeviceBuffer offsets = fused ? null : gpu.alloc((long) plan.totalParts * (k + 1) * Integer.BYTES);
         DeviceBuffer red = gpu.alloc((long) plan.stride * Double.BYTES);
         Lanes lanes = x.streamed() ? new Lanes((long) x.chunkRows() * d * Float.BYTES) : null) {
      gpu.device.fill(changed, 0, 1);
      if (lanes != null) gpu.device.synchronize(); // the lanes' queues do not wait for work on the main one
      int i = 0;
      for (ChunkPlan.Chunk ch : plan.chunks) {
        DeviceBuffer data = x.data();
        Device.Queue q = gpu.device.mainQueue();
        if (lanes != null) {
          // Two lanes: while one chunk's kernels run, the next chunk is staged and copied.
          int s = i++ & 1;
          q = lanes.queue[s];
          gpu.device.await(q); // lane s's buffers are free again
          x.stageChunk(ch.start(), ch.rows(), lanes.host[s]);
          gpu.device.copy(lanes.host[s], lanes.data[s], (long) ch.rows() * d * Float.BYTES, q);
          data = lanes.data[s];
        }
        if (fused) {
          kernels.assignUpdate(data, x, ch, cen, nrm, a, changed, part, q);
        } else {
          kernels.assign(data, ch.rows(), d, ch.start(), cen, nrm, k, a, changed, q);
          kernels.bucket(x, a, ch, offsets, part, q);
          kernels.partials(data, x, a, ch, offsets, part, q);
        }
      }
      gpu.device.synchronize();
      kernels.reduce(part, plan.totalParts, plan.stride, red);
      double[] reduced = new double[plan.stride];
      int[] moved = new int[1];
      gpu.read(red, reduced);
      gpu.read(changed, 0, moved, 0, 1);
      plan.chunks.get(0).layout().unpack(reduced, x.mean(), Integer.toUnsignedLong(moved[0]), result);
    } catch (RuntimeException e) {
      throw gpu.failure(e, "K-Means step");
    }
  }

  @Override
  public synchronized void pairwiseSquaredDistances(DeviceMatrix xm, long from, int count, double[] centers, int m, float[] out) {
    GpuMatrix x = own(xm);
    int d = x.cols();
    Staging.checkCentres(centers, m, d, "centers");
    Staging.checkRows(from, count, x.rows(), out, m);
    if (count == 0) return;
    float[] c = StepLayout.centredCentroids(centers, m, d, x.mean());
    float[] norms = StepLayout.norms(c, m, d);
    try (DeviceBuffer cen = gpu.upload(c);
         DeviceBuffer nrm = gpu.upload(norms);
         DeviceBuffer res = gpu.alloc((long) count * m * Float.BYTES);
         DeviceBuffer slice = x.streamed() ? slice(x, from, count) : null) {
      if (slice != null) kernels.pairwise(slice, count, d, 0, count, cen, nrm, m, res);
      else kernels.pairwise(x.data(), x.n(), d, (int) from, count, cen, nrm, m, res);
      gpu.read(res, 0, out, 0, count * m);
    } catch (RuntimeException e) {
      throw gpu.failure(e, "pairwise distances");
    }
  }

  /** Rows [from, from + count) of streamed data, staged and copied to a new device buffer. */
  private DeviceBuffer slice(GpuMatrix x, long from, int count) {
    long bytes = (long) count * x.cols() * Float.BYTES;
    DeviceBuffer dev = gpu.alloc(bytes);
    try (HostBuffer host = gpu.device.allocateHost(bytes)) {
      stage(x, from, count, host, dev);
      return dev;
    } catch (RuntimeException e) {
      dev.close();
      throw e;
    }
  }

  /** Stages rows [from, from + count) through {@code host} into {@code dev} and waits for the copy. */
  private void stage(GpuMatrix x, long from, int count, HostBuffer host, DeviceBuffer dev) {
    x.stageChunk(from, count, host);
    Device.Queue q = gpu.device.mainQueue();
    gpu.device.copy(host, dev, (long) count * x.cols() * Float.BYTES, q);
    gpu.device.await(q);
  }

  @Override
  public synchronized void gmmStep(DeviceMatrix xm, GmmComponents g, GmmStepResult result) {
    GpuMatrix x = own(xm);
    int d = x.cols();
    Staging.checkColumns(g, d);
    GmmLayout layout = new GmmLayout(g);
    int chunkRows = Math.min(x.chunkRows(), GmmLayout.MAX_CHUNK_ROWS);
    int maxParts = PARTS_PER_UNIT * props.computeUnits();
    int totalParts = 0;
    for (long s = 0; s < x.n(); s += chunkRows) totalParts += GmmLayout.partsFor((int) Math.min(chunkRows, x.n() - s), maxParts);
    boolean streamed = x.streamed();
    guard("a GMM pass with k = " + g.k() + " and d = " + d,
        "Use fewer components or columns, diagonal covariances, or the CPU backend (--backend cpu).",
        (long) totalParts * layout.stride * Double.BYTES, (long) g.k() * chunkRows * Float.BYTES, (long) chunkRows * Double.BYTES,
        (long) g.precisionCholesky().length * Float.BYTES);
    long chunkBytes = (long) chunkRows * d * Float.BYTES;
    try (GmmBuffers gb = new GmmBuffers(gpu, g, layout, x.mean());
         DeviceBuffer resp = gpu.alloc((long) g.k() * chunkRows * Float.BYTES);
         DeviceBuffer rowll = gpu.alloc((long) chunkRows * Double.BYTES);
         DeviceBuffer part = gpu.alloc((long) totalParts * layout.stride * Double.BYTES);
         HostBuffer host = streamed ? gpu.device.allocateHost(chunkBytes) : null;
         DeviceBuffer chunk = streamed ? gpu.alloc(chunkBytes) : null;
         DeviceBuffer red = gpu.alloc((long) layout.stride * Double.BYTES)) {
      int partBase = 0;
      for (long s = 0; s < x.n(); s += chunkRows) {
        int rows = (int) Math.min(chunkRows, x.n() - s);
        int n = x.n(), start = (int) s;
        DeviceBuffer data = x.data();
        if (streamed) {
          stage(x, s, rows, host, chunk);
          data = chunk;
          n = rows;
          start = 0;
        }
        int parts = GmmLayout.partsFor(rows, maxParts);
        kernels.gmmResp(data, n, start, rows, d, x, (int) s, gb, resp, rowll);
        kernels.gmmMoments(data, n, start, rows, d, gb, resp, GmmLayout.rowsPerPart(rows, parts), parts, rowll, x, (int) s, part,
            layout.stride, partBase);
        partBase += parts;
      }
      kernels.reduce(part, totalParts, layout.stride, red);
      double[] reduced = new double[layout.stride];
      gpu.read(red, reduced);
      layout.unpack(reduced, x.mean(), result);
    } catch (RuntimeException e) {
      throw gpu.failure(e, "GMM EM pass");
    }
  }

  @Override
  public synchronized void gmmLogDensities(DeviceMatrix xm, long from, int count, GmmComponents g, double[] out) {
    GpuMatrix x = own(xm);
    int d = x.cols();
    Staging.checkColumns(g, d);
    Staging.checkRows(from, count, x.rows(), out.length, g.k());
    if (count == 0) return;
    int k = g.k();
    float[] res = new float[Math.multiplyExact(count, k)];
    try (GmmBuffers gb = new GmmBuffers(gpu, g, new GmmLayout(g), x.mean());
         DeviceBuffer dev = gpu.alloc((long) count * k * Float.BYTES);
         DeviceBuffer slice = x.streamed() ? slice(x, from, count) : null) {
      if (slice != null) kernels.gmmLogDens(slice, count, 0, count, d, gb, dev);
      else kernels.gmmLogDens(x.data(), x.n(), (int) from, count, d, gb, dev);
      gpu.read(dev, 0, res, 0, res.length);
    } catch (RuntimeException e) {
      throw gpu.failure(e, "GMM densities");
    }
    for (int i = 0; i < res.length; i++) out[i] = res[i];
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    gpu.device.close();
  }

  private void open() {
    if (closed) throw new IllegalStateException("backend " + props.id() + " is closed");
    gpu.device.enter();
  }

  private GpuMatrix own(DeviceMatrix x) {
    open();
    if (!(x instanceof GpuMatrix m) || m.owner() != this) throw new IllegalArgumentException("matrix was not uploaded to this backend");
    return m;
  }

  private static GpuAssignments own(Assignments out, GpuMatrix m) {
    if (!(out instanceof GpuAssignments a) || a.owner() != m.owner()) {
      throw new IllegalArgumentException("assignments were not made by this backend");
    }
    if (a.rows() != m.rows()) throw new IllegalArgumentException("assignments hold " + a.rows() + " rows, the matrix " + m.rows());
    return a;
  }

  /** The two lanes of a streamed step, each a queue with a host staging buffer and a device chunk buffer. */
  private final class Lanes implements AutoCloseable {
    final Device.Queue[] queue = new Device.Queue[2];
    final HostBuffer[] host = new HostBuffer[2];
    final DeviceBuffer[] data = new DeviceBuffer[2];

    Lanes(long chunkBytes) {
      try {
        for (int s = 0; s < 2; s++) {
          queue[s] = gpu.device.newQueue();
          host[s] = gpu.device.allocateHost(chunkBytes);
          data[s] = gpu.alloc(chunkBytes);
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      for (int s = 0; s < 2; s++) {
        if (queue[s] != null) {
          gpu.device.await(queue[s]);
          queue[s].close();
        }
        if (host[s] != null) host[s].close();
        if (data[s] != null) data[s].close();
      }
    }
  }
}
