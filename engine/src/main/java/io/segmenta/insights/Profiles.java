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
    double[] popMean = new double[d], popM2 = new double[d];
    Reservoir[] seg = new Reservoir[k];
    for (int c = 0; c < k; c++) seg[c] = new Reservoir(d, new SplittableRandom(seed + c));
    Reservoir pop = new Reservoir(d, new SplittableRandom(seed - 1));
    float[] buf = new float[BLOCK * d];
    long count = 0;
    for (long r0 = 0; r0 < n; r0 += BLOCK) {
      int rows = (int) Math.min(BLOCK, n - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        int c = labels[(int) (r0 + i)];
        if (c < 0 || c >= k) throw new InvalidInputException("row " + (r0 + i + 1) + ": segment " + c + " is not in 0.." + (k - 1));
        size[c]++;
        count++;
        for (int j = 0; j < d; j++) {
          double v = buf[i * d + j];
          sum[c][j] += v;
          double delta = v - popMean[j];
          popMean[j] += delta / count;
          popM2[j] += delta * (v - popMean[j]);
        }
        seg[c].offer(buf, i * d);
        pop.offer(buf, i * d);
      }
    }
    float[][] popSorted = pop.sortedColumns(); // the population's columns sorted (percentiles); the segments need their medians only
    List<SegmentProfile> out = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      double[] mean = new double[d], median = new double[d], z = new double[d], pct = new double[d];
      float[][] cols = seg[c].columns();
      for (int j = 0; j < d; j++) {
        mean[j] = size[c] == 0 ? Double.NaN : sum[c][j] / size[c];
        median[j] = cols[j].length == 0 ? Double.NaN : Select.median(cols[j]);
        double sd = Math.sqrt(popM2[j] / n);
        z[j] = size[c] == 0 ? Double.NaN : sd == 0 ? 0 : (mean[j] - popMean[j]) / sd;
        pct[j] = cols[j].length == 0 ? Double.NaN : midRank(popSorted[j], (float) median[j]);
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

  static double median(float[] sorted) {
    int m = sorted.length;
    return m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + (double) sorted[m / 2]) / 2;
  }

  /** Share of the population below v, counting ties half (mid-rank). */
  static double midRank(float[] sorted, float v) {
    int lo = lowerBound(sorted, v), hi = upperBound(sorted, v);
    return sorted.length == 0 ? Double.NaN : (lo + (hi - lo) / 2.0) / sorted.length;
  }

  private static int lowerBound(float[] a, float v) {
    int lo = 0, hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static int upperBound(float[] a, float v) {
    int lo = 0, hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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

    /** The columns, each sorted; the columns are sorted two at a time (one per core). */
    float[][] sortedColumns() {
      float[][] cols = columns();
      java.util.stream.IntStream.range(0, d).parallel().forEach(j -> Arrays.sort(cols[j]));
      return cols;
    }
  }
}
