package io.segmenta.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Hubert and Arabie's adjusted Rand index between two labelings of the same points: 1 for identical
 * partitions (up to renaming), about 0 for independent ones. Same definition as scikit-learn's
 * {@code adjusted_rand_score}, including its special case of 1.0 when both labelings put every point
 * in one cluster (or every point in its own).
 */
public final class AdjustedRandIndex {
  private AdjustedRandIndex() {}

  public static double of(int[] a, int[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("labelings differ in length: " + a.length + " vs " + b.length);
    long n = a.length;
    Map<Long, long[]> pairs = new HashMap<>();
    Map<Integer, long[]> rows = new HashMap<>();
    Map<Integer, long[]> cols = new HashMap<>();
    for (int i = 0; i < a.length; i++) {
      pairs.computeIfAbsent(((long) a[i] << 32) | (b[i] & 0xFFFFFFFFL), x -> new long[1])[0]++;
      rows.computeIfAbsent(a[i], x -> new long[1])[0]++;
      cols.computeIfAbsent(b[i], x -> new long[1])[0]++;
    }
    if ((rows.size() == 1 && cols.size() == 1) || (rows.size() == n && cols.size() == n) || n < 2) return 1.0;
    double index = 0, sumA = 0, sumB = 0;
    for (long[] c : pairs.values()) index += choose2(c[0]);
    for (long[] c : rows.values()) sumA += choose2(c[0]);
    for (long[] c : cols.values()) sumB += choose2(c[0]);
    double expected = sumA * sumB / choose2(n);
    double max = (sumA + sumB) / 2;
    if (max == expected) return 1.0;
    return (index - expected) / (max - expected);
  }

  private static double choose2(long m) {
    return m * (m - 1) / 2.0;
  }
}
