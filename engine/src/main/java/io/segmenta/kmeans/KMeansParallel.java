package io.segmenta.kmeans;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.run.RunControl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * k-means|| (Bahmani, Moseley, Vattani, Kumar, Vassilvitskii 2012), the seeding for data too
 * large for k sequential k-means++ passes: {@link #ROUNDS} passes, each sampling every row
 * independently with probability {@code l * w * D^2 / phi} (l = 2k), then one assignment pass
 * weighting each candidate by the rows nearest it, and a weighted k-means++ plus Lloyd over the
 * few thousand candidates. Every pass goes through the backend, so it streams a store larger than
 * memory; the only per-row state is one float (the distance to the nearest candidate).
 */
final class KMeansParallel {
  /** Sampling rounds; Spark MLlib uses 2, the paper 5 for its experiments. */
  static final int ROUNDS = 5;

  private KMeansParallel() {}

  static double[] init(ComputeBackend backend, DeviceMatrix dm, Dataset x, int k, SplittableRandom rng, RunControl control) {
    long n = x.rows();
    int ni = Math.toIntExact(n);
    int d = x.cols();
    float[] w = x.weights();
    float[] closest = new float[ni];
    Arrays.fill(closest, Float.POSITIVE_INFINITY);
    List<double[]> cands = new ArrayList<>();
    long first;
    do {
      first = rng.nextLong(n);
    } while (w != null && !(w[(int) first] > 0));
    cands.add(row(x, first));
    double phi = update(backend, dm, ni, List.of(cands.get(0)), closest, w);
    double l = 2.0 * k;
    for (int r = 0; r < ROUNDS && phi > 0; r++) {
      control.checkCancelled();
      List<double[]> picked = new ArrayList<>();
      for (int i = 0; i < ni; i++) {
        double wi = w == null ? 1 : w[i];
        if (rng.nextDouble() < l * wi * closest[i] / phi) picked.add(row(x, i));
      }
      if (picked.isEmpty()) break;
      cands.addAll(picked);
      phi = update(backend, dm, ni, picked, closest, w);
    }
    int m = cands.size();
    double[] flat = new double[m * d];
    for (int c = 0; c < m; c++) System.arraycopy(cands.get(c), 0, flat, c * d, d);
    // Weight each candidate by the rows nearest to it: one assignment pass.
    KMeansStepResult res = new KMeansStepResult(m, d);
    try (Assignments asg = backend.newAssignments(n)) {
      backend.kmeansStep(dm, flat, m, asg, res);
    }
    float[] cw = new float[m];
    float[] vals = new float[m * d];
    for (int c = 0; c < m; c++) {
      cw[c] = (float) res.weights[c];
      for (int j = 0; j < d; j++) vals[c * d + j] = (float) flat[c * d + j];
    }
    Dataset small = Dataset.ofRowMajor(vals, m, d).withWeights(cw);
    if (small.distinctRows(k) < k) {
      // Too few distinct candidates (tiny or duplicated data): plain k-means++ on the data instead.
      return null;
    }
    KMeansResult r = KMeans.fit(backend, small, KMeansParams.builder(k).seed(rng.nextLong()).build(), control);
    double[] out = new double[k * d];
    double[][] c = r.model().centroids();
    for (int q = 0; q < k; q++) System.arraycopy(c[q], 0, out, q * d, d);
    return out;
  }

  private static double[] row(Dataset x, long i) {
    float[] r = new float[x.cols()];
    x.matrix().copyRow(i, r, 0);
    double[] out = new double[r.length];
    for (int j = 0; j < r.length; j++) out[j] = r[j];
    return out;
  }

  /** Lowers {@code closest} to the distances to {@code fresh}; returns the weighted cost phi. */
  private static double update(ComputeBackend backend, DeviceMatrix dm, int n, List<double[]> fresh, float[] closest, float[] w) {
    int m = fresh.size();
    int d = fresh.get(0).length;
    double[] c = new double[m * d];
    for (int q = 0; q < m; q++) System.arraycopy(fresh.get(q), 0, c, q * d, d);
    int tile = Math.max(1, Math.min(n, (1 << 22) / m));
    float[] buf = new float[tile * m];
    double phi = 0;
    for (int from = 0; from < n; from += tile) {
      int cnt = Math.min(tile, n - from);
      backend.pairwiseSquaredDistances(dm, from, cnt, c, m, buf);
      for (int i = 0; i < cnt; i++) {
        float best = closest[from + i];
        for (int q = 0; q < m; q++) best = Math.min(best, buf[i * m + q]);
        closest[from + i] = best;
        phi += (w == null ? 1 : w[from + i]) * (double) best;
      }
    }
    return phi;
  }
}
