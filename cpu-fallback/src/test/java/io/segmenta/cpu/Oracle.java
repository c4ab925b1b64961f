package io.segmenta.cpu;

import io.segmenta.kernels.HostMatrix;

/**
 * The test oracle: a plain float64 K-Means step over the original row-major data, written
 * independently of any backend code.
 */
final class Oracle {
  private Oracle() {}

  static double dist2(HostMatrix x, long i, double[] c, int ci) {
    int d = x.cols();
    double s = 0;
    for (int j = 0; j < d; j++) {
      double t = x.get(i, j) - c[ci * d + j];
      s += t * t;
    }
    return s;
  }

  /** Minimum squared distance of row i to the k centres. */
  static double minDist2(HostMatrix x, long i, double[] c, int k) {
    double best = Double.POSITIVE_INFINITY;
    for (int ci = 0; ci < k; ci++) best = Math.min(best, dist2(x, i, c, ci));
    return best;
  }

  /** Per-cluster sums, weights and counts of the given labels, and the inertia against c. */
  static Totals totals(HostMatrix x, float[] w, int[] labels, double[] c, int k) {
    int d = x.cols();
    Totals t = new Totals(new double[k * d], new double[k], new long[k]);
    double inertia = 0;
    for (int i = 0; i < labels.length; i++) {
      double wi = w == null ? 1 : w[i];
      int l = labels[i];
      t.counts[l]++;
      t.weights[l] += wi;
      for (int j = 0; j < d; j++) t.sums[l * d + j] += wi * x.get(i, j);
      inertia += wi * dist2(x, i, c, l);
    }
    t.inertia = inertia;
    return t;
  }

  /**
   * Per cluster and column, 2^-24 * sum of w * |x - mean|: the bound on what rounding the centred
   * values to float32 (as the Vector API path stores them) can change in a sum.
   */
  static double[] centringBound(HostMatrix x, float[] w, int[] labels, int k) {
    int d = x.cols();
    double[] mean = new double[d];
    for (long i = 0; i < x.rows(); i++) for (int j = 0; j < d; j++) mean[j] += x.get(i, j);
    for (int j = 0; j < d; j++) mean[j] /= x.rows();
    double[] b = new double[k * d];
    for (int i = 0; i < labels.length; i++) {
      double wi = w == null ? 1 : w[i];
      for (int j = 0; j < d; j++) b[labels[i] * d + j] += wi * Math.abs(x.get(i, j) - mean[j]) * 0x1p-24;
    }
    return b;
  }

  static final class Totals {
    final double[] sums;
    final double[] weights;
    final long[] counts;
    double inertia;

    Totals(double[] sums, double[] weights, long[] counts) {
      this.sums = sums;
      this.weights = weights;
      this.counts = counts;
    }
  }
}
