package io.segmenta.preprocess;

import io.segmenta.kernels.HostMatrix;
import java.util.function.DoubleUnaryOperator;

/**
 * Exact quantiles of every column in two streaming passes and O(d) memory, however many rows: a
 * radix selection on the float32 bit pattern (mapped to an unsigned key that sorts like the
 * numbers). Pass one counts the top 16 bits of each key, which locates the bucket holding each
 * wanted order statistic; pass two counts the low 16 bits inside those buckets, which gives the
 * exact value. Quantiles interpolate linearly between order statistics, as numpy's default.
 */
public final class ExactQuantiles {
  private static final int BLOCK_ROWS = 1 << 14;
  private static final int B = 1 << 16;

  private ExactQuantiles() {}

  /**
   * {@code out[j][i]} = the {@code qs[i]} quantile of column j (after {@code f[j]}, rounded to
   * float32, when given).
   */
  public static double[][] of(HostMatrix x, double[] qs, DoubleUnaryOperator[] f) {
    int d = x.cols();
    long n = x.rows();
    if (n == 0) throw new IllegalArgumentException("no rows");
    // Order statistics needed: floor(q (n-1)) and the next one, per quantile.
    int m = qs.length * 2;
    long[] ranks = new long[m];
    for (int i = 0; i < qs.length; i++) {
      double pos = qs[i] * (n - 1);
      ranks[2 * i] = (long) Math.floor(pos);
      ranks[2 * i + 1] = Math.min(ranks[2 * i] + 1, n - 1);
    }
    long[][] top = new long[d][B];
    scan(x, f, (j, key) -> top[j][key >>> 16]++);
    int[][] bucket = new int[d][m];
    long[][] inBucket = new long[d][m];
    for (int j = 0; j < d; j++) {
      for (int r = 0; r < m; r++) {
        long acc = 0;
        int b = 0;
        while (acc + top[j][b] <= ranks[r]) acc += top[j][b++];
        bucket[j][r] = b;
        inBucket[j][r] = ranks[r] - acc;
      }
    }
    // Pass two: low-bit counts for the distinct buckets each column needs.
    long[][][] low = new long[d][m][];
    for (int j = 0; j < d; j++) {
      for (int r = 0; r < m; r++) {
        for (int p = 0; p < r; p++) if (bucket[j][p] == bucket[j][r]) low[j][r] = low[j][p];
        if (low[j][r] == null) low[j][r] = new long[B];
      }
    }
    scan(x, f, (j, key) -> {
      int b = key >>> 16;
      long[][] lj = low[j];
      int[] bj = bucket[j];
      for (int r = 0; r < bj.length; r++) {
        if (bj[r] == b) {
          lj[r][key & 0xFFFF]++;
          return; // buckets shared by several ranks share one histogram
        }
      }
    });
    double[][] out = new double[d][qs.length];
    for (int j = 0; j < d; j++) {
      double[] stat = new double[m];
      for (int r = 0; r < m; r++) {
        long[] h = low[j][r];
        long acc = 0;
        int lo = 0;
        while (acc + h[lo] <= inBucket[j][r]) acc += h[lo++];
        stat[r] = fromKey((bucket[j][r] << 16) | lo);
      }
      for (int i = 0; i < qs.length; i++) {
        double pos = qs[i] * (n - 1);
        double frac = pos - Math.floor(pos);
        out[j][i] = stat[2 * i] + (stat[2 * i + 1] - stat[2 * i]) * frac;
      }
    }
    return out;
  }

  private interface KeySink {
    void accept(int column, int key);
  }

  private static void scan(HostMatrix x, DoubleUnaryOperator[] f, KeySink sink) {
    int d = x.cols();
    long n = x.rows();
    float[] buf = new float[BLOCK_ROWS * d];
    for (long r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
      int rows = (int) Math.min(BLOCK_ROWS, n - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) {
          float v = buf[i * d + j];
          if (f != null && f[j] != null) v = (float) f[j].applyAsDouble(v);
          sink.accept(j, toKey(v));
        }
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
