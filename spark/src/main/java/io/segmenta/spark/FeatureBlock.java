package io.segmenta.spark;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One partition's rows in the engine's layout: a row-major float32 matrix and optional weights,
 * converted once from Spark rows and cached (persisted RDD of blocks, one per partition). The first
 * invalid value (null, NaN, infinite, bad weight) is recorded instead of thrown, so that the driver
 * reports it with the column and the rule before any iteration.
 *
 * <p>In the executor that caches it, the block also keeps its data uploaded to the compute backend
 * (transient: a block that was recomputed or deserialized elsewhere uploads again), together with
 * the backend's assignments, so an iteration costs one backend step and no repacking. Passes are
 * numbered by the driver; a retried task of a pass that already ran on this block (a task that
 * failed after its step) gets that pass's result again instead of stepping twice.
 */
final class FeatureBlock implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Cleaner CLEANER = Cleaner.create();

  final int partition;
  final int rows;
  final int d;
  final float[] values;
  final float[] weights;
  /** First invalid row in this partition (0-based), or -1. */
  final int badRow;
  /** Its column: an index into the feature columns, or {@code d} for the weight column. */
  final int badColumn;
  final String badValue;

  private transient Resident resident;

  FeatureBlock(int partition, int rows, int d, float[] values, float[] weights, int badRow, int badColumn, String badValue) {
    this.partition = partition;
    this.rows = rows;
    this.d = d;
    this.values = values;
    this.weights = weights;
    this.badRow = badRow;
    this.badColumn = badColumn;
    this.badValue = badValue;
  }

  HostMatrix matrix() {
    return HostMatrix.ofRowMajor(values, rows, d);
  }

  /** This block mapped through a fitted scaling: {@code (float) ((f(v) - offset) / scale)}, as the engine. */
  FeatureBlock scaled(boolean[] log1p, double[] offset, double[] scale) {
    float[] out = new float[values.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < d; j++) {
        double v = values[i * d + j];
        if (log1p[j]) v = Math.log1p(v);
        out[i * d + j] = (float) ((v - offset[j]) / scale[j]);
      }
    }
    return new FeatureBlock(partition, rows, d, out, weights, badRow, badColumn, badValue);
  }

  /** Float64 column sums in row order (the engine's {@code HostMatrix.columnMeans} before the division). */
  double[] columnSums() {
    double[] s = new double[d];
    for (int i = 0; i < rows; i++) for (int j = 0; j < d; j++) s[j] += values[i * d + j];
    return s;
  }

  /** A row drawn by the driver (random init, quality-mode swaps) and its weight. */
  record RowAt(float[] row, double weight) implements Serializable {}

  RowAt row(int i) {
    float[] r = new float[d];
    System.arraycopy(values, i * d, r, 0, d);
    return new RowAt(r, weights == null ? 1.0 : weights[i]);
  }

  /** The data on the backend, with the state of the last pass. Closed when unreachable. */
  private static final class Resident implements Runnable {
    final String choice;
    final double[] centre;
    final ComputeBackend backend;
    final DeviceMatrix dm;
    final Assignments asg;
    int pass = -1;
    StepPartial last;
    /** k-means++ seeding: squared distance of each row to the nearest of the first {@code seeded} centres. */
    float[] closest;
    int seeded = -1;
    final KMeansStepResult res;

    Resident(String choice, double[] centre, ComputeBackend backend, DeviceMatrix dm, Assignments asg, int d) {
      this.choice = choice;
      this.centre = centre;
      this.backend = backend;
      this.dm = dm;
      this.asg = asg;
      this.res = new KMeansStepResult(1, d); // the step resizes it
    }

    @Override
    public void run() {
      asg.close();
      dm.close();
    }
  }

  private Resident resident(String choice, double[] centre) {
    Resident r = resident;
    if (r != null && r.choice.equals(choice) && java.util.Arrays.equals(r.centre, centre)) return r;
    ComputeBackend b = ExecutorBackends.get(choice);
    DeviceMatrix dm = b.upload(matrix(), weights, centre);
    Resident fresh = new Resident(choice, centre, b, dm, b.newAssignments(rows), d);
    CLEANER.register(this, fresh);
    resident = fresh;
    return fresh;
  }

  /**
   * The backend's K-Means step of pass {@code pass} against {@code centroids} (the data's space,
   * row-major k x d). Runs once per pass on this block; a retry of the pass returns its result.
   */
  synchronized StepPartial step(String choice, double[] centre, int pass, double[] centroids, int k) {
    if (rows == 0) return new StepPartial(new KMeansStepResult(k, d));
    Resident r = resident(choice, centre);
    if (r.pass == pass) return r.last;
    r.backend.kmeansStep(r.dm, centroids, k, r.asg, r.res);
    r.pass = pass;
    r.last = new StepPartial(r.res, ExecutorBackends.executorId() + "=" + r.backend.info().name());
    return r.last;
  }

  /**
   * A mini-batch step: the backend's K-Means step over this block's rows {@code local} (indices in
   * the block, ascending, repeated where drawn more than once), uploaded for this step only.
   * Stateless, so a retried task computes the same partial.
   */
  StepPartial batchStep(String choice, double[] centre, int[] local, double[] centroids, int k) {
    if (local.length == 0) return new StepPartial(new KMeansStepResult(k, d));
    int m = local.length;
    float[] vals = new float[m * d];
    float[] ws = weights == null ? null : new float[m];
    for (int i = 0; i < m; i++) {
      System.arraycopy(values, local[i] * d, vals, i * d, d);
      if (ws != null) ws[i] = weights[local[i]];
    }
    ComputeBackend b = ExecutorBackends.get(choice);
    KMeansStepResult res = new KMeansStepResult(k, d);
    try (DeviceMatrix dm = b.upload(HostMatrix.ofRowMajor(vals, m, d), ws, centre); Assignments asg = b.newAssignments(m)) {
      b.kmeansStep(dm, centroids, k, asg, res);
    }
    return new StepPartial(res, ExecutorBackends.executorId() + "=" + b.info().name());
  }

  /** A candidate for re-seeding an empty cluster: a row, its distance, label and global index. */
  record Far(float distance, long globalRow, int label, float[] row, double weight) implements Serializable {}

  /**
   * The {@code m} rows with a positive weight farthest from their centroid after pass {@code pass}
   * (stepping it again with the same centroids if this block's state is of another pass), in the
   * engine's order: {@link io.segmenta.kmeans.CentroidUpdate#fartherFirst}.
   */
  synchronized List<Far> farthest(String choice, double[] centre, int pass, double[] centroids, int k, int m, long offset) {
    if (rows == 0) return List.of();
    Resident r = resident(choice, centre);
    if (r.pass != pass) step(choice, centre, pass, centroids, k);
    PriorityQueue<long[]> heap = new PriorityQueue<>(m + 1, (a, b) -> io.segmenta.kmeans.CentroidUpdate.fartherFirst(
        Float.intBitsToFloat((int) b[1]), b[0], Float.intBitsToFloat((int) a[1]), a[0]));
    float[] dist = new float[rows];
    r.asg.copyDistances(0, dist, 0, rows);
    for (int i = 0; i < rows; i++) {
      if (weights != null && !(weights[i] > 0)) continue;
      heap.add(new long[] {i, Float.floatToIntBits(dist[i])});
      if (heap.size() > m) heap.poll();
    }
    List<Far> out = new ArrayList<>();
    int[] label = new int[1];
    while (!heap.isEmpty()) {
      int i = (int) heap.poll()[0];
      r.asg.copyLabels(i, label, 0, 1);
      RowAt row = row(i);
      out.add(0, new Far(dist[i], offset + i, label[0], row.row(), row.weight()));
    }
    return out;
  }

  private static final int TILE = 4096;

  /** Squared distance of each row to its nearest of the {@code m} centres (the backend's pairwise kernel, in tiles). */
  synchronized float[] nearest(String choice, double[] centre, double[] centres, int m, int[] argmin) {
    float[] best = new float[rows];
    if (rows == 0) return best;
    Resident r = resident(choice, centre);
    float[] tile = new float[Math.min(rows, TILE) * m];
    for (int from = 0; from < rows; from += TILE) {
      int cnt = Math.min(TILE, rows - from);
      r.backend.pairwiseSquaredDistances(r.dm, from, cnt, centres, m, tile);
      for (int i = 0; i < cnt; i++) {
        float b = tile[i * m];
        int a = 0;
        for (int c = 1; c < m; c++) {
          if (tile[i * m + c] < b) {
            b = tile[i * m + c];
            a = c;
          }
        }
        best[from + i] = b;
        if (argmin != null) argmin[from + i] = a;
      }
    }
    return best;
  }

  private double w(int i) {
    return weights == null ? 1.0 : weights[i];
  }

  /** sum_i w_i D(x_i)^2 to the nearest of the centres: the k-means|| cost. */
  double cost(String choice, double[] centre, double[] centres, int m) {
    float[] dist = nearest(choice, centre, centres, m, null);
    double s = 0;
    for (int i = 0; i < rows; i++) s += w(i) * dist[i];
    return s;
  }

  /** The rows a k-means|| round keeps: each with probability min(1, scale * w D^2), from a generator per partition. */
  List<float[]> sample(String choice, double[] centre, double[] centres, int m, double scale, long seed) {
    float[] dist = nearest(choice, centre, centres, m, null);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (partition + 1)));
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double u = rng.nextDouble();
      if (u < scale * w(i) * dist[i]) out.add(row(i).row());
    }
    return out;
  }

  /** Weight of the rows nearest to each candidate (k-means|| weighting; ties to the lower index). */
  double[] closestWeights(String choice, double[] centre, double[] centres, int m) {
    int[] arg = new int[rows];
    nearest(choice, centre, centres, m, arg);
    double[] out = new double[m];
    for (int i = 0; i < rows; i++) out[arg[i]] += w(i);
    return out;
  }

  /**
   * This partition's k best Efraimidis-Spirakis keys {@code log(u) / w} as {key, global row,
   * values...}: the weighted random draw of k rows without replacement.
   */
  List<double[]> topKeys(long seed, int k, long offset) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (partition + 1)));
    PriorityQueue<double[]> heap = new PriorityQueue<>(k + 1, (a, b) -> Double.compare(a[0], b[0]));
    for (int i = 0; i < rows; i++) {
      double u = rng.nextDouble();
      if (!(w(i) > 0)) continue;
      double key = Math.log(u) / w(i);
      if (heap.size() < k) heap.add(new double[] {key, i});
      else if (key > heap.peek()[0]) {
        heap.poll();
        heap.add(new double[] {key, i});
      }
    }
    List<double[]> out = new ArrayList<>();
    for (double[] e : heap) {
      int i = (int) e[1];
      double[] o = new double[2 + d];
      o[0] = e[0];
      o[1] = offset + i;
      for (int j = 0; j < d; j++) o[2 + j] = values[i * d + j];
      out.add(o);
    }
    return out;
  }

  /**
   * k-means++ seeding: brings each row's distance to its nearest centre up to the first {@code m}
   * of {@code centres} (only the newest when the block holds the first m - 1; with m = 0 every row
   * counts 1, so the first centre is drawn by weight) and returns the partition's potential
   * sum_i w_i closest_i, in row order.
   */
  synchronized double[] seedUpdate(String choice, double[] centre, double[] centres, int m) {
    if (rows == 0) return new double[] {0};
    Resident r = resident(choice, centre);
    if (r.closest == null || r.seeded > m || r.seeded < m - 1) {
      r.closest = new float[rows];
      java.util.Arrays.fill(r.closest, m == 0 ? 1f : Float.POSITIVE_INFINITY);
      if (m > 0) {
        float[] near = nearest(choice, centre, centres, m, null);
        System.arraycopy(near, 0, r.closest, 0, rows);
      }
    } else if (r.seeded == m - 1 && m > 0) {
      double[] last = java.util.Arrays.copyOfRange(centres, (m - 1) * d, m * d);
      float[] dist = nearest(choice, centre, last, 1, null);
      if (m == 1) System.arraycopy(dist, 0, r.closest, 0, rows);
      else for (int i = 0; i < rows; i++) r.closest[i] = Math.min(r.closest[i], dist[i]);
    }
    r.seeded = m;
    double pot = 0;
    for (int i = 0; i < rows; i++) pot += w(i) * r.closest[i];
    return new double[] {pot};
  }

  /**
   * k-means++ seeding: the rows at cumulative potentials {@code targets} (ascending, within this
   * partition): for each, the first row whose running sum of w_i closest_i reaches it (numpy's
   * searchsorted, as the engine), clipped to the last row.
   */
  synchronized List<float[]> seedLocate(String choice, double[] centre, double[] targets) {
    List<float[]> out = new ArrayList<>();
    if (rows == 0 || targets.length == 0) return out;
    float[] cl = resident(choice, centre).closest;
    double cum = 0;
    int t = 0;
    for (int i = 0; i < rows && t < targets.length; i++) {
      cum += w(i) * cl[i];
      while (t < targets.length && cum >= targets[t]) {
        out.add(row(i).row());
        t++;
      }
    }
    while (t++ < targets.length) out.add(row(rows - 1).row());
    return out;
  }

  /** k-means++ seeding: the potential each candidate would leave in this partition, sum_i w_i min(closest_i, D_i^2). */
  synchronized double[] seedPotentials(String choice, double[] centre, double[] cand, int m) {
    double[] pots = new double[m];
    if (rows == 0) return pots;
    float[] cl = resident(choice, centre).closest;
    Resident r = resident(choice, centre);
    float[] tile = new float[Math.min(rows, TILE) * m];
    for (int from = 0; from < rows; from += TILE) {
      int cnt = Math.min(TILE, rows - from);
      r.backend.pairwiseSquaredDistances(r.dm, from, cnt, cand, m, tile);
      for (int i = 0; i < cnt; i++) {
        double wi = w(from + i);
        for (int c = 0; c < m; c++) pots[c] += wi * Math.min(cl[from + i], tile[i * m + c]);
      }
    }
    return pots;
  }

  /**
   * One EM pass of a Gaussian mixture on the backend under {@code g} (E-step and the M-step's
   * moments about the upload's centre). Stateless: a retried task computes the same partial.
   */
  synchronized GmmPartial gmmStep(String choice, double[] centre, GmmComponents g) {
    GmmStepResult out = new GmmStepResult(g.form(), g.k(), g.d());
    if (rows > 0) {
      Resident r = resident(choice, centre);
      r.backend.gmmStep(r.dm, g, out);
    }
    return new GmmPartial(out);
  }

  /**
   * The Gaussian mixture's K-Means initialisation: the moments of this block's rows with the labels
   * of K-Means pass {@code pass} (stepped again with the same centroids if this block's state is of
   * another pass) as 0/1 responsibilities, about {@code centre}; the engine's {@code
   * GaussianMixture.addHardMoments}.
   */
  synchronized GmmPartial hardMoments(String choice, double[] centre, int pass, double[] centroids, int k, GmmComponents.Form form) {
    GmmStepResult s = new GmmStepResult(form, k, d);
    System.arraycopy(centre, 0, s.origin, 0, d);
    if (rows > 0) {
      Resident r = resident(choice, centre);
      if (r.pass != pass) step(choice, centre, pass, centroids, k);
      int[] labels = new int[rows];
      r.asg.copyLabels(0, labels, 0, rows);
      io.segmenta.mixture.GaussianMixture.addHardMoments(s, matrix(), weights, labels);
    }
    return new GmmPartial(s);
  }
}
