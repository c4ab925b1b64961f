package io.segmenta.preprocess;

import io.segmenta.kernels.HostMatrix;
import java.util.function.DoubleUnaryOperator;

/**
 * Exact quantiles of every column in two streaming passes and O(d) memory, however many rows: a
 * radix selection on the float32 bit pattern (mapped to an unsigned key that sorts like the
 * numbers). Pass one counts the top 16 bits of each key, which locates the bucket holding each
 * wanted order statistic; pass two counts the low 16 bits inside those buckets, which gives the
 * exact value. Quantiles interpolate linearly between order statistics, as numpy's default. NaN
 * marks a missing value and is skipped, so each column has its own count.
 *
 * <p>Use {@link #of} on a matrix, or feed rows yourself (a file read twice): {@link #pass1} for
 * every row, {@link #endPass1}, {@link #pass2} for every row, {@link #result}.
 */
public final class ExactQuantiles {
  private static final int BLOCK_ROWS = 1 << 14;
  private static final int B = 1 << 16;

  private final int d;
  private final double[] qs;
  private final long[][] top;
  private final long[] count;
  private long[][] ranks;
  private int[][] bucket;
  private long[][] inBucket;
  private long[][][] low;

  public ExactQuantiles(int d, double[] qs) {
    this.d = d;
    this.qs = qs.clone();
    this.top = new long[d][B];
    this.count = new long[d];
  }

  public void pass1(float[] row) {
    for (int j = 0; j < d; j++) {
      float v = row[j];
      if (v != v) continue; // missing
      top[j][toKey(v) >>> 16]++;
      count[j]++;
    }
  }

  /** Locates the buckets; returns false when a column has no values at all. */
  public boolean endPass1() {
    int m = qs.length * 2;
    ranks = new long[d][m];
    bucket = new int[d][m];
    inBucket = new long[d][m];
    low = new long[d][m][];
    boolean all = true;
    for (int j = 0; j < d; j++) {
      long n = count[j];
      if (n == 0) {
        all = false;
        continue;
      }
      for (int i = 0; i < qs.length; i++) {
        double pos = qs[i] * (n - 1);
        ranks[j][2 * i] = (long) Math.floor(pos);
        ranks[j][2 * i + 1] = Math.min(ranks[j][2 * i] + 1, n - 1);
      }
      for (int r = 0; r < m; r++) {
        long acc = 0;
        int b = 0;
        while (acc + top[j][b] <= ranks[j][r]) acc += top[j][b++];
        bucket[j][r] = b;
        inBucket[j][r] = ranks[j][r] - acc;
        for (int p = 0; p < r; p++) if (bucket[j][p] == b) low[j][r] = low[j][p];
        if (low[j][r] == null) low[j][r] = new long[B];
      }
    }
    return all;
  }

  public void pass2(float[] row) {
    for (int j = 0; j < d; j++) {
      float v = row[j];
      if (v != v || count[j] == 0) continue;
      int key = toKey(v);
      int b = key >>> 16;
      int[] bj = bucket[j];
      for (int r = 0; r < bj.length; r++) {
        if (bj[r] == b) {
          low[j][r][key & 0xFFFF]++; // buckets shared by several ranks share one histogram
          break;
        }
      }
    }
  }

  /** {@code out[j][i]}: the {@code qs[i]} quantile of column j; NaN for a column without values. */
  public double[][] result() {
    int m = qs.length * 2;
    double[][] out = new double[d][qs.length];
    for (int j = 0; j < d; j++) {
      if (count[j] == 0) {
        java.util.Arrays.fill(out[j], Double.NaN);
        continue;
      }
      double[] stat = new double[m];
      for (int r = 0; r < m; r++) {
        long[] h = low[j][r];
        long acc = 0;
        int lo = 0;
        while (acc + h[lo] <= inBucket[j][r]) acc += h[lo++];
        stat[r] = fromKey((bucket[j][r] << 16) | lo);
      }
      for (int i = 0; i < qs.length; i++) {
        double pos = qs[i] * (count[j] - 1);
        double frac = pos - Math.floor(pos);
        out[j][i] = stat[2 * i] + (stat[2 * i + 1] - stat[2 * i]) * frac;
      }
    }
    return out;
  }

  /**
   * {@code out[j][i]} = the {@code qs[i]} quantile of column j of {@code x} (after {@code f[j]},
   * rounded to float32, when given).
   */
  public static double[][] of(HostMatrix x, double[] qs, DoubleUnaryOperator[] f) {
    if (x.rows() == 0) throw new IllegalArgumentException("no rows");
    ExactQuantiles eq = new ExactQuantiles(x.cols(), qs);
    scan(x, f, eq::pass1);
    eq.endPass1();
    scan(x, f, eq::pass2);
    return eq.result();
  }

  private static void scan(HostMatrix x, DoubleUnaryOperator[] f, java.util.function.Consumer<float[]> sink) {
    int d = x.cols();
    long n = x.rows();
    float[] buf = new float[BLOCK_ROWS * d];
    float[] row = new float[d];
    for (long r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
      int rows = (int) Math.min(BLOCK_ROWS, n - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) {
          float v = buf[i * d + j];
          row[j] = f != null && f[j] != null ? (float) f[j].applyAsDouble(v) : v;
        }
        sink.accept(row);
      }
    }
  }

  /** An unsigned key that orders like the float (negative values below positive ones). */
  static int toKey(float v) {
    if (v == 0f) v = 0f; // -0.0 and 0.0 are one value
    int bits = Float.floatToRawIntBits(v);
    return bits ^ ((bits >> 31) | 0x80000000);
  }

  static float fromKey(int key) {
    int bits = key < 0 ? key ^ 0x80000000 : ~key;
    return Float.intBitsToFloat(bits);
  }
}
