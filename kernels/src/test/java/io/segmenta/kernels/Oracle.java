package io.segmenta.kernels;

import static org.junit.jupiter.api.Assertions.*;

/** A scalar float64 K-Means step, and the tolerances a float32 device kernel must meet against it. */
final class Oracle {
  private Oracle() {}

  static void check(float[] x, float[] w, int n, int d, double[] c, int k, Assignments a, KMeansStepResult res) {
    int[] labels = new int[n];
    float[] dist = new float[n];
    a.copyLabels(0, labels, 0, n);
    a.copyDistances(0, dist, 0, n);
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j] / (double) n;
    double[] sums = new double[k * d];
    double[] absSums = new double[k * d];
    double[] weights = new double[k];
    long[] counts = new long[k];
    double inertia = 0, inertiaScale = 0;
    for (int i = 0; i < n; i++) {
      int l = labels[i];
      assertTrue(l >= 0 && l < k, "row " + i + " label " + l);
      double best = Double.POSITIVE_INFINITY, mine = 0, scale = 1;
      for (int q = 0; q < k; q++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          double diff = x[i * d + j] - c[q * d + j];
          s += diff * diff;
        }
        best = Math.min(best, s);
        if (q == l) mine = s;
      }
      for (int j = 0; j < d; j++) {
        double xc = x[i * d + j] - mean[j];
        scale += xc * xc;
      }
      double cmax = 0;
      for (int q = 0; q < k; q++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += (c[q * d + j] - mean[j]) * (c[q * d + j] - mean[j]);
        cmax = Math.max(cmax, s);
      }
      // A near-tie may go either way in float32: the label must be within rounding of the best.
      assertTrue(mine <= best + 1e-5 * (scale + cmax), "row " + i + ": label " + l + " at " + mine + ", best " + best);
      assertEquals(mine, dist[i], 1e-5 * (mine + 1) + 1e-6 * (scale + cmax), "row " + i + " distance");
      double wi = w == null ? 1 : w[i];
      for (int j = 0; j < d; j++) {
        sums[l * d + j] += wi * x[i * d + j];
        absSums[l * d + j] += wi * (Math.abs(x[i * d + j] - mean[j]) + Math.abs(mean[j]));
      }
      weights[l] += wi;
      counts[l]++;
      inertia += wi * mine;
      inertiaScale += wi * (mine + 1e-6 * (scale + cmax));
    }
    for (int q = 0; q < k; q++) {
      assertEquals(counts[q], res.counts[q], "count of cluster " + q);
      assertEquals(weights[q], res.weights[q], 1e-6 * (weights[q] + 1), "weight of cluster " + q);
      for (int j = 0; j < d; j++) {
        assertEquals(sums[q * d + j], res.sums[q * d + j], 1e-6 * absSums[q * d + j] + 1e-9, "sum " + q + "," + j);
      }
    }
    assertEquals(inertia, res.inertia, 1e-5 * inertiaScale + 1e-9, "inertia");
  }
}
