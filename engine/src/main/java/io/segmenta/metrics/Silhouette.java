package io.segmenta.metrics;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import java.util.SplittableRandom;

/**
 * The silhouette coefficient (Rousseeuw 1987), as scikit-learn's {@code silhouette_score}: for each
 * point, a = mean distance to the other points of its cluster, b = the smallest mean distance to
 * another cluster, s = (b - a) / max(a, b), and 0 for a point alone in its cluster; the score is the
 * mean of s. Exact: all n^2 Euclidean distances, summed per cluster by the active backend
 * ({@link ComputeBackend#groupDistanceSums}: a fused kernel on the CPU, the pairwise kernel in tiles
 * on a GPU), with O(n k) memory. Or on a sample of rows.
 */
public final class Silhouette {
  /**
   * Rows past which the exact silhouette is refused: 10^12 distance evaluations, 8 to 16 minutes at
   * the rates measured on the reference machine (benchmarks/RESULTS.md, exact silhouette).
   */
  public static final long MAX_EXACT_ROWS = 1_000_000;

  private Silhouette() {}

  /** The exact silhouette of {@code labels} (0..k-1) on {@code data}. */
  public static double exact(ComputeBackend backend, Dataset data, int[] labels) {
    double[] s = values(backend, data, labels);
    double total = 0;
    for (double v : s) total += v;
    return total / s.length;
  }

  /** Each point's silhouette value s(i) (0 for a point alone in its cluster). */
  public static double[] values(ComputeBackend backend, Dataset data, int[] labels) {
    long n = data.rows();
    if (labels.length != n) throw new InvalidInputException(labels.length + " labels for " + n + " rows");
    if (n > Integer.MAX_VALUE / 64) throw new InvalidInputException("exact silhouette of " + n + " rows: use a sample (sampleSize)");
    int k = 0;
    for (int l : labels) {
      if (l < 0) throw new InvalidInputException("silhouette: label " + l + " is negative");
      k = Math.max(k, l + 1);
    }
    long[] size = new long[k];
    for (int l : labels) size[l]++;
    int used = 0;
    for (long s : size) if (s > 0) used++;
    if (used < 2 || used > n - 1) {
      throw new InvalidInputException("silhouette needs 2 <= number of clusters <= n - 1, got " + used + " clusters for " + n + " rows");
    }
    int d = data.cols();
    int rows = (int) n;
    if (n > MAX_EXACT_ROWS) {
      throw new io.segmenta.kernels.ResourceLimitException("the exact silhouette of " + n + " rows takes n^2 = "
          + String.format(java.util.Locale.ROOT, "%.1e", (double) n * n) + " distances (the reference 2-core CPU computes about 1.0e9 "
          + "a second on one core, 2.0e9 on two: past " + MAX_EXACT_ROWS + " rows that is more than 8 minutes, growing with n^2). Use the sampled silhouette (Segmenta.silhouette(data, labels, sampleSize, seed); "
          + "segment evaluate --sample N), whose error shrinks as 1/sqrt(sampleSize).");
    }
    // Per-row sums (n x k doubles), the sorted copy (n x d floats), the order and a tile of sums.
    io.segmenta.kernels.ResourceLimitException.checkHeap("the exact silhouette of " + n + " rows in " + k + " clusters",
        n * (8L * k + 4L * d + 4) + (8L << 20),
        "Use the sampled silhouette (Segmenta.silhouette(data, labels, sampleSize, seed); segment evaluate --sample N) instead.");
    // Rows sorted by label (stable), so that each cluster is a contiguous range for the backend's
    // fused distance-sum kernel; sums come back in sorted order and are mapped back.
    long[] bounds = new long[k + 1];
    for (int c = 0; c < k; c++) bounds[c + 1] = bounds[c] + size[c];
    int[] order = new int[rows];
    long[] next = bounds.clone();
    for (int i = 0; i < rows; i++) order[(int) next[labels[i]]++] = i;
    HostMatrix x = data.matrix();
    float[] sorted = new float[Math.multiplyExact(rows, d)];
    for (int p = 0; p < rows; p++) x.copyRow(order[p], sorted, p * d);
    HostMatrix xs = HostMatrix.ofRowMajor(sorted, rows, d);
    double[] sums = new double[rows * k]; // sums[i * k + c] = sum of distances from row i to cluster c
    int tile = Math.max(1, Math.min(rows, (1 << 20) / k));
    double[] out = new double[tile * k];
    try (DeviceMatrix dm = backend.upload(xs, null)) {
      for (int t0 = 0; t0 < rows; t0 += tile) {
        int m = Math.min(tile, rows - t0);
        backend.groupDistanceSums(dm, xs, t0, m, bounds, out);
        for (int p = 0; p < m; p++) System.arraycopy(out, p * k, sums, order[t0 + p] * k, k);
      }
    }
    double[] values = new double[rows];
    for (int i = 0; i < rows; i++) {
      int own = labels[i];
      if (size[own] <= 1) continue; // s = 0
      double a = sums[i * k + own] / (size[own] - 1);
      double b = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) if (c != own && size[c] > 0) b = Math.min(b, sums[i * k + c] / size[c]);
      double m = Math.max(a, b);
      values[i] = m == 0 ? 0 : (b - a) / m;
    }
    return values;
  }

  /**
   * {@code m} distinct row numbers out of {@code n}, uniformly, sorted (all rows when m >= n): Floyd's
   * algorithm, O(m) memory.
   */
  public static long[] sampleRows(long n, int m, long seed) {
    if (m >= n) return java.util.stream.LongStream.range(0, n).toArray();
    SplittableRandom r = new SplittableRandom(seed);
    long[] pick = new long[m];
    java.util.HashSet<Long> chosen = new java.util.HashSet<>();
    int at = 0;
    for (long j = n - m; j < n; j++) {
      long t = r.nextLong(j + 1);
      if (!chosen.add(t)) {
        chosen.add(j);
        t = j;
      }
      pick[at++] = t;
    }
    java.util.Arrays.sort(pick);
    return pick;
  }

  /** The silhouette of a uniform random sample of {@code sampleSize} rows (scikit-learn's {@code sample_size}). */
  public static double sampled(ComputeBackend backend, Dataset data, int[] labels, int sampleSize, long seed) {
    long n = data.rows();
    if (sampleSize < 2) throw new InvalidInputException("silhouette sample size must be >= 2, got " + sampleSize);
    if (sampleSize >= n) return exact(backend, data, labels);
    long[] pick = sampleRows(n, sampleSize, seed);
    int d = data.cols();
    float[] values = new float[sampleSize * d];
    int[] sl = new int[sampleSize];
    for (int i = 0; i < sampleSize; i++) {
      data.matrix().copyRow(pick[i], values, i * d);
      sl[i] = labels[(int) pick[i]];
    }
    return exact(backend, Dataset.ofRowMajor(values, sampleSize, d), sl);
  }
}
