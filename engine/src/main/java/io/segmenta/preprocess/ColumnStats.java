package io.segmenta.preprocess;

import io.segmenta.kernels.HostMatrix;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Per-column moments in one streaming pass (Welford and Terriberry's update: stable for large n and
 * large offsets): count, mean, population variance, population skewness (as
 * {@code scipy.stats.skew(bias=True)}), minimum and maximum. Rows are read in blocks from the host
 * matrix, so a mapped store of any size is scanned with bounded memory.
 */
public final class ColumnStats {
  private static final int BLOCK_ROWS = 1 << 14;

  public final long n;
  public final double[] mean;
  public final double[] variance;
  public final double[] skewness;
  public final double[] min;
  public final double[] max;

  private ColumnStats(long n, double[] mean, double[] variance, double[] skewness, double[] min, double[] max) {
    this.n = n;
    this.mean = mean;
    this.variance = variance;
    this.skewness = skewness;
    this.min = min;
    this.max = max;
  }

  /** Moments of each column, after {@code f[j]} is applied to column j ({@code null} entries: as is). */
  public static ColumnStats of(HostMatrix x, DoubleUnaryOperator[] f) {
    int d = x.cols();
    long n = x.rows();
    double[] mean = new double[d], m2 = new double[d], m3 = new double[d];
    double[] lo = new double[d], hi = new double[d];
    Arrays.fill(lo, Double.POSITIVE_INFINITY);
    Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    float[] buf = new float[BLOCK_ROWS * d];
    long count = 0;
    for (long r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
      int rows = (int) Math.min(BLOCK_ROWS, n - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        count++;
        for (int j = 0; j < d; j++) {
          double v = buf[i * d + j];
          if (f != null && f[j] != null) v = f[j].applyAsDouble(v);
          double delta = v - mean[j];
          double dn = delta / count;
          double t = delta * dn * (count - 1);
          mean[j] += dn;
          m3[j] += t * dn * (count - 2) - 3 * dn * m2[j];
          m2[j] += t;
          if (v < lo[j]) lo[j] = v;
          if (v > hi[j]) hi[j] = v;
        }
      }
    }
    double[] var = new double[d], skew = new double[d];
    for (int j = 0; j < d; j++) {
      var[j] = n == 0 ? 0 : m2[j] / n;
      skew[j] = m2[j] == 0 ? 0 : Math.sqrt((double) n) * m3[j] / Math.pow(m2[j], 1.5);
    }
    return new ColumnStats(n, mean, var, skew, lo, hi);
  }
}
