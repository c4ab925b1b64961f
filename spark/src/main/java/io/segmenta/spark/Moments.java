package io.segmenta.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-column count, mean, second and third central moments, minimum and maximum: the row update of
 * the engine's {@code preprocess.ColumnStats} (Welford and Terriberry) inside a partition, and the
 * pairwise merge (Chan et al.; Terriberry for the third moment) across partitions, in partition
 * order. Gives the engine's population variance and skewness for one pass of column statistics.
 */
final class Moments implements Serializable {
  private static final long serialVersionUID = 1L;
  long n;
  final double[] mean;
  final double[] m2;
  final double[] m3;
  final double[] min;
  final double[] max;

  Moments(int d) {
    mean = new double[d];
    m2 = new double[d];
    m3 = new double[d];
    min = new double[d];
    max = new double[d];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  /** Adds one row (its d values from {@code v[off]}). */
  void add(double[] v) {
    n++;
    for (int j = 0; j < mean.length; j++) {
      double x = v[j];
      double delta = x - mean[j];
      double dn = delta / n;
      double t = delta * dn * (n - 1);
      mean[j] += dn;
      m3[j] += t * dn * (n - 2) - 3 * dn * m2[j];
      m2[j] += t;
      if (x < min[j]) min[j] = x;
      if (x > max[j]) max[j] = x;
    }
  }

  /** Merges {@code o} (the rows after this one's) into this. */
  void merge(Moments o) {
    if (o.n == 0) return;
    if (n == 0) {
      n = o.n;
      System.arraycopy(o.mean, 0, mean, 0, mean.length);
      System.arraycopy(o.m2, 0, m2, 0, m2.length);
      System.arraycopy(o.m3, 0, m3, 0, m3.length);
      System.arraycopy(o.min, 0, min, 0, min.length);
      System.arraycopy(o.max, 0, max, 0, max.length);
      return;
    }
    double na = n;
    double nb = o.n;
    double nt = na + nb;
    for (int j = 0; j < mean.length; j++) {
      double delta = o.mean[j] - mean[j];
      double m2t = m2[j] + o.m2[j] + delta * delta * na * nb / nt;
      m3[j] = m3[j] + o.m3[j] + delta * delta * delta * na * nb * (na - nb) / (nt * nt)
          + 3 * delta * (na * o.m2[j] - nb * m2[j]) / nt;
      m2[j] = m2t;
      mean[j] += delta * nb / nt;
      min[j] = Math.min(min[j], o.min[j]);
      max[j] = Math.max(max[j], o.max[j]);
    }
    n += o.n;
  }

  /** Population variance of each column (the engine's {@code ColumnStats.variance}). */
  double[] variance() {
    double[] v = new double[mean.length];
    for (int j = 0; j < v.length; j++) v[j] = n == 0 ? 0 : m2[j] / n;
    return v;
  }

  /** Population skewness, as {@code scipy.stats.skew(bias=True)} (the engine's rule). */
  double[] skewness() {
    double[] s = new double[mean.length];
    for (int j = 0; j < s.length; j++) s[j] = m2[j] == 0 ? 0 : Math.sqrt((double) n) * m3[j] / Math.pow(m2[j], 1.5);
    return s;
  }
}
