package io.segmenta.insights;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Profiles of every segment of a labelling: size and share; mean, median, z-score and population
 * percentile of each feature, in the input's units; the most distinguishing features; and a name.
 * One streaming pass for the means and variances, plus reservoir samples (exact when a segment has
 * at most {@link #SAMPLE} rows) for medians and percentiles, so it runs on stores of any size.
 */
public final class Profiles {
  /** Rows kept per segment (and for the population) for medians and percentiles. */
  public static final int SAMPLE = 200_000;
  private static final int BLOCK = 1 << 14;

  private Profiles() {}

  /**
   * @param data the rows in the input's units (before any scaling)
   * @param labels each row's segment, 0..k-1
   * @param names user overrides by segment number (may be empty)
   */
  public static List<SegmentProfile> of(Dataset data, int[] labels, int k, Map<Integer, String> names, long seed) {
    long n = data.rows();
    int d = data.cols();
    if (labels.length != n) throw new InvalidInputException(labels.length + " labels for " + n + " rows");
    HostMatrix x = data.matrix();
    long[] size = new long[k];
    double[][] sum = new double[k][d];
    // The population's mean and M2 (sum of squared deviations), each block's combined into them by
    // Chan's formula: stable like a per-value Welford update, without its division per value.
    double[] popMean = new double[d], popM2 = new double[d], blockMean = new double[d], blockM2 = new double[d];
    Reservoir[] seg = new Reservoir[k];
    for (int c = 0; c < k; c++) seg[c] = new Reservoir(d, new SplittableRandom(seed + c));
    Reservoir pop = new Reservoir(d, new SplittableRandom(seed - 1));
    float[] buf = new float[BLOCK * d];
    long count = 0;
    for (long r0 = 0; r0 < n; r0 += BLOCK) {
      int rows = (int) Math.min(BLOCK, n - r0);
      x.copyRows(r0, rows, buf, 0);
      sumBySegment(buf, rows, d, labels, (int) r0, k, size, sum);
      moments(buf, rows, d, blockMean, blockM2);
      long total = count + rows;
      for (int j = 0; j < d; j++) {
        double delta = blockMean[j] - popMean[j];
        popMean[j] += delta * rows / total;
        popM2[j] += blockM2[j] + delta * delta * ((double) count * rows / total);
      }
      count = total;
      for (int i = 0; i < rows; i++) {
        seg[labels[(int) (r0 + i)]].offer(buf, i * d);
        pop.offer(buf, i * d);
      }
    }
    double[][] medians = new double[k][d];
    // The segments' medians, one segment at a time per core.
    java.util.stream.IntStream.range(0, k).parallel().forEach(c -> {
      float[][] cols = seg[c].columns();
      for (int j = 0; j < d; j++) medians[c][j] = cols[j].length == 0 ? Double.NaN : Select.median(cols[j]);
    });
    double[][] pcts = percentiles(pop, medians, d);
    List<SegmentProfile> out = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      double[] mean = new double[d], median = medians[c], z = new double[d], pct = pcts[c];
      for (int j = 0; j < d; j++) {
        mean[j] = size[c] == 0 ? Double.NaN : sum[c][j] / size[c];
        double sd = Math.sqrt(popM2[j] / n);
        z[j] = size[c] == 0 ? Double.NaN : sd == 0 ? 0 : (mean[j] - popMean[j]) / sd;
      }
      Integer[] order = new Integer[d];
      for (int j = 0; j < d; j++) order[j] = j;
      double[] zz = z;
      Arrays.sort(order, Comparator.comparingDouble(j -> -Math.abs(Double.isNaN(zz[j]) ? 0 : zz[j])));
      List<String> top = new ArrayList<>();
      for (int t = 0; t < Math.min(3, d); t++) {
        int j = order[t];
        top.add((z[j] >= 0 ? "high " : "low ") + data.columns().get(j));
      }
      out.add(new SegmentProfile(c, "", size[c], (double) size[c] / n, mean, median, z, pct, top));
    }
    return SegmentNames.name(out, data.columns(), names);
  }

  /** Adds each row to its segment's count and column sums; a label outside 0..k-1 is refused with its row. */
  private static void sumBySegment(float[] buf, int rows, int d, int[] labels, int r0, int k, long[] size, double[][] sum) {
    for (int i = 0; i < rows; i++) {
      int c = labels[r0 + i];
      if (c < 0 || c >= k) throw new InvalidInputException("row " + ((long) r0 + i + 1) + ": segment " + c + " is not in 0.." + (k - 1));
      size[c]++;
      double[] s = sum[c];
      for (int j = 0; j < d; j++) s[j] += buf[i * d + j];
    }
  }

  /** The block's column means and sums of squared deviations from them (two passes over a block in cache). */
  private static void moments(float[] buf, int rows, int d, double[] mean, double[] m2) {
    java.util.Arrays.fill(mean, 0);
    java.util.Arrays.fill(m2, 0);
    for (int i = 0; i < rows; i++) for (int j = 0; j < d; j++) mean[j] += buf[i * d + j];
    for (int j = 0; j < d; j++) mean[j] /= rows;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < d; j++) {
        double e = buf[i * d + j] - mean[j];
        m2[j] += e * e;
      }
    }
  }

  /**
   * Each segment median's population percentile (mid-rank, ties counted half) in the population
   * sample: every sampled value is placed among the k medians of its column by a binary search,
   * O(sample x d x log k) instead of sorting each column.
   */
  private static double[][] percentiles(Reservoir pop, double[][] medians, int d) {
    int k = medians.length;
    double[][] pct = new double[k][d];
    float[][] cols = pop.columns();
    java.util.stream.IntStream.range(0, d).parallel().forEach(j -> {
      // The column's distinct medians, sorted; below[t] counts values under sorted[t], equal[t] values equal to it.
      float[] m = new float[k];
      int u = 0;
      for (int c = 0; c < k; c++) if (!Double.isNaN(medians[c][j])) m[u++] = (float) medians[c][j] + 0.0f; // -0.0 as 0.0, as comparisons see it
      float[] sorted = Arrays.copyOf(m, u);
      Arrays.sort(sorted);
      int v = 0;
      for (int t = 0; t < u; t++) if (v == 0 || Float.compare(sorted[t], sorted[v - 1]) != 0) sorted[v++] = sorted[t];
      // Padded with +Inf to a power of two, so that the search takes the same steps for every value
      // and the JIT can make each step a conditional move rather than a mispredicted branch.
      int p2 = Integer.highestOneBit(Math.max(1, v)) << (Integer.bitCount(Math.max(1, v)) == 1 ? 0 : 1);
      float[] pad = Arrays.copyOf(sorted, p2);
      Arrays.fill(pad, v, p2, Float.POSITIVE_INFINITY);
      long[] lessThan = new long[p2 + 1], equal = new long[p2 + 1];
      for (float x : cols[j]) {
        int lo = 0; // after the loop: the number of medians below x, i.e. the first median >= x
        for (int step = p2 >>> 1; step > 0; step >>>= 1) lo += pad[lo + step - 1] < x ? step : 0;
        if (pad[lo < p2 ? lo : p2 - 1] < x) lo++;
        if (lo < v && pad[lo] == x) equal[lo]++;
        else lessThan[lo]++; // below sorted[lo] (and above sorted[lo - 1])
      }
      // values below sorted[t]: those in the gaps before it and those equal to the medians before it
      long[] below = new long[v];
      long run = 0;
      for (int t = 0; t < v; t++) {
        run += lessThan[t];
        below[t] = run;
        run += equal[t];
      }
      int len = cols[j].length;
      for (int c = 0; c < k; c++) {
        double med = medians[c][j];
        if (Double.isNaN(med) || len == 0) {
          pct[c][j] = Double.NaN;
          continue;
        }
        int t = Arrays.binarySearch(sorted, 0, v, (float) med + 0.0f);
        pct[c][j] = (below[t] + equal[t] / 2.0) / len;
      }
    });
    return pct;
  }

  static double median(float[] sorted) {
    int m = sorted.length;
    return m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + (double) sorted[m / 2]) / 2;
  }

  /** Algorithm R: a uniform sample of at most SAMPLE rows; every row while fewer have been seen. */
  private static final class Reservoir {
    private final int d;
    private final SplittableRandom rnd;
    private float[] rows = new float[0];
    private int kept;
    private long seen;

    Reservoir(int d, SplittableRandom rnd) {
      this.d = d;
      this.rnd = rnd;
    }

    void offer(float[] src, int off) {
      seen++;
      int slot;
      if (kept < SAMPLE) {
        if ((long) (kept + 1) * d > rows.length) rows = Arrays.copyOf(rows, Math.max(d * 64, Math.min(SAMPLE * d, rows.length * 2)));
        slot = kept++;
      } else {
        long r = rnd.nextLong(seen);
        if (r >= SAMPLE) return;
        slot = (int) r;
      }
      System.arraycopy(src, off, rows, slot * d, d);
    }

    float[][] columns() {
      float[][] cols = new float[d][kept];
      for (int i = 0; i < kept; i++) for (int j = 0; j < d; j++) cols[j][i] = rows[i * d + j];
      return cols;
    }
  }
}
