package io.segmenta.cpu;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendInfo;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend: fixed chunks of {@value #CHUNK_ROWS} rows processed by a thread pool, with the
 * per-chunk partial results reduced in chunk order. Because the chunking and the order of the
 * reduction never depend on the thread count, 1 or N threads give the same bits.
 *
 * <p>Thread-safe: concurrent calls on different buffers share the pool.
 */
public final class CpuBackend implements ComputeBackend {
  /** Rows per chunk: large enough to amortise a task, small enough to stay in L2. */
  public static final int CHUNK_ROWS = 4096;

  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final CpuKernels kernels;
  private final ExecutorService pool;
  private final int threads;
  private final BackendInfo info;
  private volatile boolean closed;

  /** Heap bytes data may take resident; above it, {@link #upload} streams (a third of the maximum heap). */
  private final long residentBudget;

  CpuBackend(CpuKernels kernels, int threads) {
    this(kernels, threads, Runtime.getRuntime().maxMemory() / 3);
  }

  CpuBackend(CpuKernels kernels, int threads, long residentBudget) {
    this.residentBudget = residentBudget;
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.kernels = kernels;
    this.threads = threads;
    int id = POOL_IDS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "segmenta-cpu-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.info = new BackendInfo(kernels.name(), BackendKind.CPU,
        Runtime.getRuntime().availableProcessors() + "-core CPU, " + kernels.describe(), threads);
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  @Override
  public DeviceMatrix upload(HostMatrix x, float[] weights) {
    return upload(x, weights, null);
  }

  @Override
  public DeviceMatrix upload(HostMatrix x, float[] weights, double[] centre) {
    ensureOpen();
    Objects.requireNonNull(x, "x");
    if (weights != null) {
      if (weights.length != x.rows()) {
        throw new IllegalArgumentException("weights has " + weights.length + " entries for " + x.rows() + " rows");
      }
      for (int i = 0; i < weights.length; i++) {
        if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
          throw new IllegalArgumentException("weight of row " + i + " is " + weights[i] + ": weights must be finite and >= 0");
        }
      }
    }
    int d = x.cols();
    if (centre != null) {
      if (centre.length != d) throw new IllegalArgumentException("centre has " + centre.length + " values for " + d + " columns");
      for (double c : centre) if (!Double.isFinite(c)) throw new IllegalArgumentException("centre is not finite");
    }
    double[] mean = !kernels.centres() ? new double[d] : centre != null ? centre.clone() : x.columnMeans();
    if (packedBytes(x.rows(), d) > residentBudget) {
      // Larger than the budget (a store bigger than the heap): pack each chunk as a pass reaches it.
      return new CpuMatrix(this, kernels, x, weights, mean);
    }
    int nChunks = Math.toIntExact((x.rows() + CHUNK_ROWS - 1) / CHUNK_ROWS);
    CpuChunk[] chunks = new CpuChunk[nChunks];
    runAll(nChunks, i -> {
      long from = (long) i * CHUNK_ROWS;
      int rows = (int) Math.min(CHUNK_ROWS, x.rows() - from);
      float[] w = null;
      if (weights != null) {
        w = new float[rows];
        System.arraycopy(weights, (int) from, w, 0, rows);
      }
      chunks[i] = kernels.pack(x, from, rows, mean, w);
    });
    return new CpuMatrix(this, chunks, x.rows(), d, mean, weights != null);
  }

  /** Heap a resident copy takes: packed values, row norms, labels and distances. */
  static long packedBytes(long rows, int d) {
    return rows * ((long) d + 3) * Float.BYTES;
  }

  @Override
  public Assignments newAssignments(long rows) {
    ensureOpen();
    return new CpuAssignments(rows, CHUNK_ROWS, kernels.blockRows());
  }

  @Override
  public void kmeansStep(DeviceMatrix x, double[] centroids, int k, Assignments out, KMeansStepResult result) {
    CpuMatrix m = own(x);
    CpuAssignments a = own(out, m);
    int d = m.cols();
    checkCentres(centroids, k, d, "centroids");
    Object prepared = kernels.prepare(centroids, k, d, m.mean());
    // Incremental kernels report changes against the labels the buffer holds; those labels are
    // only meaningful with totals built on the same matrix and shape, so start afresh otherwise.
    CpuAssignments.Totals totals = kernels.incremental() ? a.totalsFor(m, k, d) : null;
    KMeansStepResult acc = result;
    acc.reset(k, d);
    int nChunks = m.chunkCount();
    int wave = Math.min(nChunks, Math.max(16, 4 * threads));
    KMeansStepResult[] partials = new KMeansStepResult[wave];
    for (int i = 0; i < wave; i++) partials[i] = new KMeansStepResult(k, d);
    for (int w0 = 0; w0 < nChunks; w0 += wave) {
      int base = w0;
      int count = Math.min(wave, nChunks - w0);
      runAll(count, i -> {
        KMeansStepResult p = partials[i];
        p.reset(k, d);
        kernels.step(m.chunk(base + i), prepared, a.labels(base + i), a.dists(base + i), p);
      });
      // Ordered reduction: chunk 0, 1, 2, ... whatever thread computed each.
      for (int i = 0; i < count; i++) acc.add(partials[i]);
    }
    if (totals != null) totals.applyTo(acc);
    if (kernels.centres()) exactInertia(m, centroids, k, d, acc);
    if (kernels.centres()) {
      double[] mean = m.mean();
      for (int c = 0; c < k; c++) {
        for (int j = 0; j < d; j++) result.sums[c * d + j] += result.weights[c] * mean[j];
      }
    }
  }

  /**
   * Replaces the inertia summed from the float32 distances by the float64 identity
   * {@code sum_i w_i ||x_i - c_(l_i)||^2 = Q - sum_c (2 c.S_c - W_c ||c||^2)} over the centred rows
   * ({@code Q} = sum of w ||x||^2, computed once per matrix, chunk by chunk in order; S_c,
   * W_c the step's float64 sums and weights, before the mean is added back). Its rounding error is
   * about 2^-50 of the terms, far below float32's, so it stays exact for data far from the origin;
   * when even that bound is not small against the result (k near n), the float32 sum (rows
   * near-exact by the kernel's fallback) is kept. A streamed matrix costs one more pass for Q, once:
   * it must give the resident matrix's bits.
   */
  private void exactInertia(CpuMatrix m, double[] centroids, int k, int d, KMeansStepResult acc) {
    if (!m.squaresKnown()) {
      int n = m.chunkCount();
      double[] q = new double[n];
      runAll(n, i -> q[i] = kernels.squares(m.chunk(i), d));
      double total = 0;
      for (double v : q) total += v; // chunk order: the same bits for any thread count
      m.squares(total);
    }
    double q = m.squares();
    if (Double.isNaN(q)) return;
    double[] mean = m.mean();
    double cross = 0;
    double scale = q;
    for (int c = 0; c < k; c++) {
      double dot = 0;
      double nn = 0;
      double mag = 0;
      for (int j = 0; j < d; j++) {
        double cj = centroids[c * d + j] - mean[j];
        double sj = acc.sums[c * d + j];
        dot += cj * sj;
        mag += Math.abs(cj * sj);
        nn += cj * cj;
      }
      cross += 2 * dot - acc.weights[c] * nn;
      scale += 2 * mag + acc.weights[c] * nn;
    }
    double inertia = q - cross;
    // float64 error of the identity: a few ulps of its largest terms per row and per cluster.
    if (inertia > 0x1p-30 * scale) acc.inertia = inertia;
  }

  @Override
  public void pairwiseSquaredDistances(DeviceMatrix x, long from, int count, double[] centers, int m, float[] out) {
    CpuMatrix mx = own(x);
    checkCentres(centers, m, mx.cols(), "centers");
    if (from < 0 || count < 0 || from + count > mx.rows()) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + count) + ") of " + mx.rows());
    }
    if (out.length < (long) count * m) {
      throw new IllegalArgumentException("out has " + out.length + " entries, needs " + (long) count * m);
    }
    Object prepared = kernels.prepare(centers, m, mx.cols(), mx.mean());
    int c0 = (int) (from / CHUNK_ROWS);
    int c1 = count == 0 ? c0 - 1 : (int) ((from + count - 1) / CHUNK_ROWS);
    runAll(c1 - c0 + 1, i -> {
      int ci = c0 + i;
      long chunkStart = (long) ci * CHUNK_ROWS;
      long lo = Math.max(from, chunkStart);
      long hi = Math.min(from + count, chunkStart + mx.chunkRows(ci));
      kernels.pairwise(mx.chunk(ci), (int) (lo - chunkStart), (int) (hi - lo), prepared, out,
          (int) ((lo - from) * m));
    });
  }

  @Override
  public void gmmStep(DeviceMatrix x, GmmComponents g, GmmStepResult result) {
    CpuMatrix m = own(x);
    checkShape(g, m);
    GmmPrepared prepared = GmmPrepared.of(g, m.mean());
    result.reset(g.form(), g.k(), g.d());
    int nChunks = m.chunkCount();
    int wave = Math.min(nChunks, Math.max(16, 4 * threads));
    GmmStepResult[] partials = new GmmStepResult[wave];
    for (int i = 0; i < wave; i++) partials[i] = new GmmStepResult(g.form(), g.k(), g.d());
    for (int w0 = 0; w0 < nChunks; w0 += wave) {
      int base = w0;
      int count = Math.min(wave, nChunks - w0);
      runAll(count, i -> {
        partials[i].reset(g.form(), g.k(), g.d());
        kernels.gmmStep(m.chunk(base + i), prepared, partials[i]);
      });
      for (int i = 0; i < count; i++) result.add(partials[i]); // chunk order, whatever the threads
    }
    System.arraycopy(m.mean(), 0, result.origin, 0, g.d());
  }

  @Override
  public void gmmLogDensities(DeviceMatrix x, long from, int count, GmmComponents g, double[] out) {
    CpuMatrix m = own(x);
    checkShape(g, m);
    if (from < 0 || count < 0 || from + count > m.rows()) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + count) + ") of " + m.rows());
    }
    if (out.length < (long) count * g.k()) {
      throw new IllegalArgumentException("out has " + out.length + " entries, needs " + (long) count * g.k());
    }
    GmmPrepared prepared = GmmPrepared.of(g, m.mean());
    int c0 = (int) (from / CHUNK_ROWS);
    int c1 = count == 0 ? c0 - 1 : (int) ((from + count - 1) / CHUNK_ROWS);
    runAll(c1 - c0 + 1, i -> {
      int ci = c0 + i;
      long chunkStart = (long) ci * CHUNK_ROWS;
      long lo = Math.max(from, chunkStart);
      long hi = Math.min(from + count, chunkStart + m.chunkRows(ci));
      kernels.gmmLogDensities(m.chunk(ci), (int) (lo - chunkStart), (int) (hi - lo), prepared, out,
          (int) ((lo - from) * g.k()));
    });
  }

  /**
   * Distance sums below this many row-pair coordinates (count x rows x d) take the kernel's plain
   * loops. The report's 3,000-row sample is 2.7e7 on Online Retail and 1.4e8 at 16 columns; at 16
   * columns the plain loops took 206 ms cold and 80 to 108 ms warm on two cores, the fused kernel
   * 1,210 ms cold and 16 ms warm (benchmarks/RESULTS.md, "The insights phase cut").
   */
  static final long PLAIN_GROUP_SUMS_BELOW = 1L << 28;

  /** The fused kernel: row tiles in parallel, each against every chunk of the matrix in order. */
  @Override
  public void groupDistanceSums(DeviceMatrix x, HostMatrix rows, long from, int count, long[] bounds, double[] out) {
    groupDistanceSums(x, from, count, bounds, out, (long) count * x.rows() * x.cols() < PLAIN_GROUP_SUMS_BELOW);
  }

  /** As {@link #groupDistanceSums(DeviceMatrix, HostMatrix, long, int, long[], double[])}, the kernel's plain loops or its fused kernel as told. */
  void groupDistanceSums(DeviceMatrix x, long from, int count, long[] bounds, double[] out, boolean plain) {
    CpuMatrix m = own(x);
    int g = bounds.length - 1;
    if (g < 1 || bounds[0] != 0 || bounds[g] != m.rows()) throw new IllegalArgumentException("groups must cover rows 0.." + m.rows());
    for (int c = 0; c < g; c++) {
      if (bounds[c + 1] < bounds[c]) throw new IllegalArgumentException("group bounds must not decrease: " + bounds[c] + " > " + bounds[c + 1]);
    }
    if (from < 0 || count < 0 || from + count > m.rows()) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + count) + ") of " + m.rows());
    }
    java.util.Arrays.fill(out, 0, count * g, 0);
    int sub = 256; // rows per task: enough tasks to balance two or more threads
    int tasks = (count + sub - 1) / sub;
    runAll(tasks, t -> {
      long lo = from + (long) t * sub;
      long hi = Math.min(from + count, lo + sub);
      for (long r = lo; r < hi; ) {
        int ci = (int) (r / CHUNK_ROWS);
        long chunkStart = (long) ci * CHUNK_ROWS;
        int cnt = (int) Math.min(hi - r, chunkStart + m.chunkRows(ci) - r);
        CpuChunk rc = m.chunk(ci);
        for (int cj = 0; cj < m.chunkCount(); cj++) {
          if (plain) {
            kernels.plainGroupDistanceSums(rc, (int) (r - chunkStart), cnt, m.chunk(cj), (long) cj * CHUNK_ROWS, m.cols(), bounds, out,
                (int) ((r - from) * g));
          } else {
            kernels.groupDistanceSums(rc, (int) (r - chunkStart), cnt, m.chunk(cj), (long) cj * CHUNK_ROWS, m.cols(), bounds, out,
                (int) ((r - from) * g));
          }
        }
        r += cnt;
      }
    });
  }

  private static void checkShape(GmmComponents g, CpuMatrix m) {
    if (g.d() != m.cols()) throw new IllegalArgumentException("components have " + g.d() + " columns, the matrix " + m.cols());
  }

  @Override
  public void close() {
    closed = true;
    pool.shutdownNow();
  }

  private void ensureOpen() {
    if (closed) throw new IllegalStateException("backend " + info.name() + " is closed");
  }

  private CpuMatrix own(DeviceMatrix x) {
    ensureOpen();
    if (!(x instanceof CpuMatrix m) || m.owner() != this) {
      throw new IllegalArgumentException("matrix was not uploaded to this backend");
    }
    if (m.isClosed()) throw new IllegalStateException("matrix is closed");
    return m;
  }

  private static CpuAssignments own(Assignments out, CpuMatrix m) {
    if (!(out instanceof CpuAssignments a)) throw new IllegalArgumentException("assignments were not made by this backend");
    if (a.rows() != m.rows()) {
      throw new IllegalArgumentException("assignments hold " + a.rows() + " rows, the matrix " + m.rows());
    }
    return a;
  }

  private static void checkCentres(double[] c, int k, int d, String what) {
    if (k < 1) throw new IllegalArgumentException(what + ": count must be >= 1, got " + k);
    if (c.length != (long) k * d) {
      throw new IllegalArgumentException(what + " has " + c.length + " values, expected " + k + " x " + d);
    }
  }

  private interface ChunkTask {
    void run(int i) throws Exception;
  }

  /** Runs {@code task(0 .. count-1)} on the pool (inline when there is one task) and waits. */
  private void runAll(int count, ChunkTask task) {
    ensureOpen();
    if (count <= 0) return;
    try {
      if (count == 1) {
        for (int i = 0; i < count; i++) task.run(i);
        return;
      }
      List<Callable<Void>> tasks = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int ii = i;
        tasks.add(() -> {
          task.run(ii);
          return null;
        });
      }
      for (Future<Void> f : pool.invokeAll(tasks)) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) throw re;
      if (c instanceof Error err) throw err;
      throw new IllegalStateException(kernels.name() + " kernel failed: " + c, c);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(kernels.name() + " kernel failed: " + e, e);
    }
  }
}
