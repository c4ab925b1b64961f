package io.segmenta.kmeans;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.run.IterationStats;
import io.segmenta.run.RunControl;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Lloyd's K-Means, written against the {@link ComputeBackend} contract only: each iteration is one
 * fused backend step (assign + per-cluster sums), then the centroid update here on the host.
 *
 * <p>Follows scikit-learn where it defines behaviour: greedy k-means++ with {@code 2 + ln k}
 * candidates, the tolerance relative to the mean column variance, strict convergence when no label
 * changes, a final assignment pass so that labels and inertia match the returned centroids, and
 * empty clusters re-seeded at the rows farthest from their own centroid.
 *
 * <p>References: S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2),
 * 1982; D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful seeding", SODA 2007.
 */
public final class KMeans {
  /** Rows per tile of pairwise distances during seeding. */
  private static final int SEED_TILE_ROWS = 1 << 16;

  private KMeans() {}

  /** Fits K-Means; see {@link io.segmenta.Segmenta#kmeans}. */
  public static KMeansResult fit(ComputeBackend backend, Dataset data, KMeansParams params, RunControl control) {
    return fit(backend, data, null, params, control);
  }

  /**
   * As {@link #fit(ComputeBackend, Dataset, KMeansParams, RunControl)} with the preprocessing already
   * fitted ({@code Preprocessed.fit(params.scale(), params.log1p(), data)}), or null to fit it here.
   */
  public static KMeansResult fit(ComputeBackend backend, Dataset data, io.segmenta.preprocess.Preprocessed pre, KMeansParams params,
                                 RunControl control) {
    long t0 = System.nanoTime();
    int k = params.k();
    int d = data.cols();
    long n = data.rows();
    if (params.init() == Init.GIVEN && params.initialCentroids()[0].length != d) {
      throw new InvalidInputException("initial centroids have " + params.initialCentroids()[0].length
          + " columns, the data has " + d);
    }
    if (k > n) throw new InvalidInputException("k = " + k + " is larger than the number of rows (" + n + ")");
    long distinct = data.distinctRows(k);
    if (distinct < k) {
      throw new InvalidInputException("k = " + k + " is larger than the number of distinct rows with a positive weight ("
          + distinct + ")");
    }
    if (pre == null) pre = io.segmenta.preprocess.Preprocessed.fit(params.scale(), params.log1p(), data);
    else pre.checkFits(data, params.scale());
    FeatureScaling scaling = pre.scaling();
    Dataset x = pre.scaled();
    // tol 0 stops only on strict convergence: no pass over the data for the variance.
    double tolScaled = params.tol() == 0 ? 0 : params.tol() * meanVariance(x.matrix());
    int restarts = params.effectiveNInit();
    SplittableRandom root = new SplittableRandom(params.seed());

    try (DeviceMatrix dm = backend.upload(x.matrix(), x.weights());
         Assignments current = backend.newAssignments(n);
         Assignments bestAsg = backend.newAssignments(n)) {
      Assignments cur = current;
      Assignments best = bestAsg;
      Run bestRun = null;
      double[] inertias = new double[restarts];
      for (int r = 0; r < restarts; r++) {
        SplittableRandom rng = root.split();
        control.checkCancelled();
        double[] init = switch (params.init()) {
          case GIVEN -> flatten(scaled(scaling, params.initialCentroids()));
          case RANDOM -> randomInit(x, k, rng);
          case KMEANS_PLUS_PLUS -> kmeansPlusPlus(backend, dm, x, k, rng, control);
          case KMEANS_PARALLEL -> {
            double[] c = KMeansParallel.init(backend, dm, x, k, rng, control);
            yield c != null ? c : kmeansPlusPlus(backend, dm, x, k, rng, control);
          }
        };
        Run run = lloyd(backend, dm, x, init, k, params.maxIter(), tolScaled, cur, r, restarts, control);
        if (params.swaps() > 0) run = randomSwap(backend, dm, x, run, k, params, tolScaled, cur, rng, r, restarts, control);
        inertias[r] = run.inertia;
        if (bestRun == null || run.inertia < bestRun.inertia) {
          bestRun = run;
          Assignments t = best;
          best = cur;
          cur = t;
        }
      }
      int ni = Math.toIntExact(n);
      int[] labels = new int[ni];
      float[] dist = new float[ni];
      best.copyLabels(0, labels, 0, ni);
      best.copyDistances(0, dist, 0, ni);
      double[][] centroids = new double[k][d];
      for (int c = 0; c < k; c++) System.arraycopy(bestRun.centers, c * d, centroids[c], 0, d);
      KMeansModel model = new KMeansModel(data.columns(), centroids, scaling, bestRun.inertia, bestRun.iterations,
          bestRun.converged, n, params);
      return new KMeansResult(model, labels, dist, inertias, backend.info(), (System.nanoTime() - t0) / 1e9);
    }
  }

  private record Run(double[] centers, double inertia, int iterations, boolean converged) {}

  private static Run lloyd(ComputeBackend backend, DeviceMatrix dm, Dataset x, double[] centers, int k, int maxIter,
                           double tolScaled, Assignments asg, int restart, int restarts, RunControl control) {
    int d = x.cols();
    KMeansStepResult res = new KMeansStepResult(k, d);
    double[] next = new double[k * d];
    boolean converged = false;
    int it = 0;
    while (it < maxIter) {
      control.checkCancelled();
      long ts = System.nanoTime();
      backend.kmeansStep(dm, centers, k, asg, res);
      it++;
      relocateEmpty(x, res, asg, centers, k);
      double shift = CentroidUpdate.update(res, centers, next, k, d);
      double[] t = centers;
      centers = next;
      next = t;
      control.listener().onIteration(new IterationStats(restart, restarts, it, maxIter, res.inertia,
          tolScaled > 0 ? shift / tolScaled : shift, res.changed, (System.nanoTime() - ts) / 1e9));
      if (res.changed == 0 || shift <= tolScaled) {
        converged = true;
        break;
      }
    }
    // Final assignment so that labels, distances and inertia belong to the returned centroids.
    backend.kmeansStep(dm, centers, k, asg, res);
    return new Run(centers.clone(), res.inertia, it, converged);
  }

  /**
   * The quality mode (Fränti's random swap): from a converged run, each trial moves one centroid to
   * a random row and runs two Lloyd iterations; the trial is kept when the inertia it reaches after
   * the first (an upper bound of the second's) is lower than the best so far. Then Lloyd runs to
   * convergence from the best. Every pass goes through the backend, so it runs on the GPU as well.
   */
  private static Run randomSwap(ComputeBackend backend, DeviceMatrix dm, Dataset x, Run start, int k, KMeansParams params,
                                double tolScaled, Assignments asg, SplittableRandom rng, int restart, int restarts,
                                RunControl control) {
    int d = x.cols();
    long n = x.rows();
    float[] w = x.weights();
    double[] best = start.centers().clone();
    double bestInertia = start.inertia();
    double[] trial = new double[k * d];
    double[] next = new double[k * d];
    float[] row = new float[d];
    KMeansStepResult res = new KMeansStepResult(k, d);
    for (int t = 0; t < params.swaps(); t++) {
      if ((t & 31) == 0) control.checkCancelled();
      System.arraycopy(best, 0, trial, 0, k * d);
      long i;
      do {
        i = rng.nextLong(n);
      } while (w != null && !(w[(int) i] > 0));
      x.matrix().copyRow(i, row, 0);
      int j = rng.nextInt(k);
      for (int q = 0; q < d; q++) trial[j * d + q] = row[q];
      backend.kmeansStep(dm, trial, k, asg, res);
      relocateEmpty(x, res, asg, trial, k);
      update(res, trial, next, k, d);
      backend.kmeansStep(dm, next, k, asg, res);
      double inertia = res.inertia;
      if (inertia < bestInertia) {
        relocateEmpty(x, res, asg, next, k);
        update(res, next, best, k, d);
        bestInertia = inertia;
      }
    }
    Run polished = lloyd(backend, dm, x, best, k, params.maxIter(), tolScaled, asg, restart, restarts, control);
    return new Run(polished.centers(), polished.inertia(), start.iterations() + 2 * params.swaps() + polished.iterations(),
        polished.converged());
  }

  /** Centroids from a step's sums; a cluster without weight keeps its centroid. */
  private static void update(KMeansStepResult res, double[] centers, double[] out, int k, int d) {
    CentroidUpdate.update(res, centers, out, k, d);
  }

  /**
   * Re-seeds each cluster that received no weight at one of the rows farthest from their own
   * centroid (scikit-learn's rule), moving that row's contribution out of its old cluster.
   */
  private static void relocateEmpty(Dataset x, KMeansStepResult res, Assignments asg, double[] centers, int k) {
    int empty = CentroidUpdate.emptyClusters(res);
    if (empty == 0) return;
    int d = x.cols();
    long[] far = farthestRows(x, asg, empty);
    float[] row = new float[d];
    int used = 0;
    for (int c = 0; c < k && used < far.length; c++) {
      if (res.weights[c] > 0) continue;
      long i = far[used++];
      int[] old = new int[1];
      asg.copyLabels(i, old, 0, 1);
      x.matrix().copyRow(i, row, 0);
      double w = x.weights() == null ? 1.0 : x.weights()[(int) i];
      CentroidUpdate.reseed(res, c, old[0], row, w);
    }
  }

  /** The {@code m} rows with a positive weight farthest from their centroid (ties: lower index). */
  private static long[] farthestRows(Dataset x, Assignments asg, int m) {
    long n = x.rows();
    float[] w = x.weights();
    PriorityQueue<long[]> heap = new PriorityQueue<>(m + 1, (a, b) -> CentroidUpdate.fartherFirst(
        Float.intBitsToFloat((int) b[1]), b[0], Float.intBitsToFloat((int) a[1]), a[0]));
    int tile = 1 << 16;
    float[] buf = new float[tile];
    for (long from = 0; from < n; from += tile) {
      int cnt = (int) Math.min(tile, n - from);
      asg.copyDistances(from, buf, 0, cnt);
      for (int i = 0; i < cnt; i++) {
        long row = from + i;
        if (w != null && w[(int) row] <= 0) continue;
        heap.add(new long[] {row, Float.floatToIntBits(buf[i])});
        if (heap.size() > m) heap.poll();
      }
    }
    long[] out = new long[heap.size()];
    for (int i = out.length - 1; i >= 0; i--) out[i] = heap.poll()[0];
    return out;
  }

  /** k rows drawn without replacement with probability proportional to weight (Efraimidis-Spirakis). */
  private static double[] randomInit(Dataset x, int k, SplittableRandom rng) {
    long n = x.rows();
    float[] w = x.weights();
    PriorityQueue<double[]> heap = new PriorityQueue<>(k + 1, (a, b) -> Double.compare(a[0], b[0]));
    for (long i = 0; i < n; i++) {
      double u = rng.nextDouble();
      double wi = w == null ? 1.0 : w[(int) i];
      if (wi <= 0) continue;
      double key = Math.log(u) / wi; // log of u^(1/w): larger is likelier
      if (heap.size() < k) heap.add(new double[] {key, i});
      else if (key > heap.peek()[0]) {
        heap.poll();
        heap.add(new double[] {key, i});
      }
    }
    long[] rows = new long[k];
    for (int c = k - 1; c >= 0; c--) rows[c] = (long) heap.poll()[1];
    java.util.Arrays.sort(rows);
    return rowsOf(x.matrix(), rows);
  }

  /**
   * Greedy k-means++: the first centre drawn by weight; each next one is the best of
   * {@code 2 + floor(ln k)} candidates drawn in proportion to w * D^2, judged by the potential it
   * leaves. Distances come from the backend's pairwise kernel, in tiles.
   */
  private static double[] kmeansPlusPlus(ComputeBackend backend, DeviceMatrix dm, Dataset x, int k,
                                         SplittableRandom rng, RunControl control) {
    int d = x.cols();
    long n = x.rows();
    int ni = Math.toIntExact(n);
    float[] w = x.weights();
    int trials = 2 + (int) Math.log(k);
    double[] centers = new double[k * d];
    double[] closest = new double[ni];
    double[] cum = new double[ni];

    // First centre: a row drawn with probability proportional to its weight.
    for (int i = 0; i < ni; i++) cum[i] = (i == 0 ? 0 : cum[i - 1]) + (w == null ? 1.0 : w[i]);
    long first = search(cum, rng.nextDouble() * cum[ni - 1]);
    double[] c0 = rowsOf(x.matrix(), new long[] {first});
    System.arraycopy(c0, 0, centers, 0, d);
    double pot = distancesTo(backend, dm, n, c0, w, closest, null);

    double[] cand = new double[trials * d];
    long[] candRows = new long[trials];
    for (int c = 1; c < k; c++) {
      control.checkCancelled();
      for (int i = 0; i < ni; i++) cum[i] = (i == 0 ? 0 : cum[i - 1]) + (w == null ? 1.0 : w[i]) * closest[i];
      double total = cum[ni - 1];
      for (int t = 0; t < trials; t++) {
        candRows[t] = total > 0 ? search(cum, rng.nextDouble() * total) : rng.nextLong(n);
      }
      double[] rows = rowsOf(x.matrix(), candRows);
      System.arraycopy(rows, 0, cand, 0, trials * d);
      double[] pots = potentials(backend, dm, n, cand, trials, w, closest);
      int bestT = 0;
      for (int t = 1; t < trials; t++) if (pots[t] < pots[bestT]) bestT = t;
      double[] chosen = new double[d];
      System.arraycopy(cand, bestT * d, chosen, 0, d);
      System.arraycopy(chosen, 0, centers, c * d, d);
      pot = distancesTo(backend, dm, n, chosen, w, closest, closest);
    }
    return centers;
  }

  /** First index whose cumulative value exceeds {@code v} (numpy's searchsorted, side='left', clipped). */
  private static long search(double[] cum, double v) {
    int lo = 0;
    int hi = cum.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Sets {@code closest[i]} to the squared distance of row i to {@code center}, or to the minimum
   * of that and {@code prev[i]} when {@code prev} is given; returns the weighted potential.
   */
  private static double distancesTo(ComputeBackend backend, DeviceMatrix dm, long n, double[] center, float[] w,
                                    double[] closest, double[] prev) {
    float[] buf = new float[(int) Math.min(n, SEED_TILE_ROWS)];
    double pot = 0;
    for (long from = 0; from < n; from += SEED_TILE_ROWS) {
      int cnt = (int) Math.min(SEED_TILE_ROWS, n - from);
      backend.pairwiseSquaredDistances(dm, from, cnt, center, 1, buf);
      for (int i = 0; i < cnt; i++) {
        int r = (int) (from + i);
        double v = prev == null ? buf[i] : Math.min(prev[r], buf[i]);
        closest[r] = v;
        pot += (w == null ? 1.0 : w[r]) * v;
      }
    }
    return pot;
  }

  /** The potential each candidate centre would leave: sum of w * min(closest, D^2 to it). */
  private static double[] potentials(ComputeBackend backend, DeviceMatrix dm, long n, double[] cand, int m,
                                     float[] w, double[] closest) {
    int tile = (int) Math.min(n, SEED_TILE_ROWS);
    float[] buf = new float[tile * m];
    double[] pots = new double[m];
    for (long from = 0; from < n; from += tile) {
      int cnt = (int) Math.min(tile, n - from);
      backend.pairwiseSquaredDistances(dm, from, cnt, cand, m, buf);
      for (int i = 0; i < cnt; i++) {
        int r = (int) (from + i);
        double wi = w == null ? 1.0 : w[r];
        for (int t = 0; t < m; t++) pots[t] += wi * Math.min(closest[r], buf[i * m + t]);
      }
    }
    return pots;
  }

  private static double[] rowsOf(HostMatrix x, long[] rows) {
    int d = x.cols();
    double[] out = new double[rows.length * d];
    float[] row = new float[d];
    for (int i = 0; i < rows.length; i++) {
      x.copyRow(rows[i], row, 0);
      for (int j = 0; j < d; j++) out[i * d + j] = row[j];
    }
    return out;
  }

  private static double[] flatten(double[][] c) {
    int d = c[0].length;
    double[] out = new double[c.length * d];
    for (int i = 0; i < c.length; i++) System.arraycopy(c[i], 0, out, i * d, d);
    return out;
  }

  /** Mean over columns of the population variance: one streaming pass (Welford, block reads). */
  static double meanVariance(HostMatrix x) {
    return CentroidUpdate.scaledTolerance(1, io.segmenta.preprocess.ColumnStats.of(x, null).variance);
  }

  /** Given centroids come in the input's units; the run clusters in the scaled space. */
  private static double[][] scaled(FeatureScaling scaling, double[][] rows) {
    double[][] out = new double[rows.length][];
    for (int c = 0; c < rows.length; c++) out[c] = scaling.forward(rows[c]);
    return out;
  }
}
