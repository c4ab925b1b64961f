package io.segmenta.cpu;

import io.segmenta.kernels.Assignments;
import java.util.Arrays;

/** Labels and distances in chunks that match the backend's data chunks. */
final class CpuAssignments implements Assignments {
  private final long rows;
  private final int chunkRows;
  private final int[][] labels;
  private final float[][] dists;

  CpuAssignments(long rows, int chunkRows, int blockRows) {
    if (rows < 0) throw new IllegalArgumentException("rows must be >= 0");
    this.rows = rows;
    this.chunkRows = chunkRows;
    int n = Math.toIntExact((rows + chunkRows - 1) / chunkRows);
    labels = new int[n][];
    dists = new float[n][];
    for (int i = 0; i < n; i++) {
      int r = (int) Math.min(chunkRows, rows - (long) i * chunkRows);
      int padded = (r + blockRows - 1) / blockRows * blockRows;
      labels[i] = new int[padded];
      Arrays.fill(labels[i], -1);
      dists[i] = new float[padded];
    }
  }

  /**
   * Per-cluster totals (centred sums, weights, counts) that match the labels held here, for
   * kernels that report only changes. Valid for one matrix and one (k, d).
   */
  static final class Totals {
    private final Object source;
    private final int k;
    private final int d;
    private final double[] sums;
    private final double[] weights;
    private final long[] counts;

    private Totals(Object source, int k, int d) {
      this.source = source;
      this.k = k;
      this.d = d;
      sums = new double[k * d];
      weights = new double[k];
      counts = new long[k];
    }

    /** Adds the step's changes (in {@code r}) to the totals, then copies the totals into {@code r}. */
    void applyTo(io.segmenta.kernels.KMeansStepResult r) {
      for (int i = 0; i < sums.length; i++) sums[i] += r.sums[i];
      for (int c = 0; c < k; c++) {
        weights[c] += r.weights[c];
        counts[c] += r.counts[c];
      }
      System.arraycopy(sums, 0, r.sums, 0, sums.length);
      System.arraycopy(weights, 0, r.weights, 0, k);
      System.arraycopy(counts, 0, r.counts, 0, k);
    }
  }

  private Totals totals;

  /** The totals for this matrix and shape; resets the labels to -1 when they were for another. */
  Totals totalsFor(Object source, int k, int d) {
    if (totals == null || totals.source != source || totals.k != k || totals.d != d) {
      for (int[] l : labels) Arrays.fill(l, -1);
      totals = new Totals(source, k, d);
    }
    return totals;
  }

  int[] labels(int chunk) {
    return labels[chunk];
  }

  float[] dists(int chunk) {
    return dists[chunk];
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void copyLabels(long from, int[] dst, int off, int len) {
    check(from, len);
    for (int done = 0; done < len; ) {
      long r = from + done;
      int ci = (int) (r / chunkRows);
      int ri = (int) (r % chunkRows);
      int m = Math.min(len - done, labels[ci].length - ri);
      m = (int) Math.min(m, rows - r);
      System.arraycopy(labels[ci], ri, dst, off + done, m);
      done += m;
    }
  }

  @Override
  public void copyDistances(long from, float[] dst, int off, int len) {
    check(from, len);
    for (int done = 0; done < len; ) {
      long r = from + done;
      int ci = (int) (r / chunkRows);
      int ri = (int) (r % chunkRows);
      int m = Math.min(len - done, dists[ci].length - ri);
      m = (int) Math.min(m, rows - r);
      System.arraycopy(dists[ci], ri, dst, off + done, m);
      done += m;
    }
  }

  private void check(long from, int len) {
    if (from < 0 || len < 0 || from + len > rows) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + len) + ") of " + rows);
    }
  }

  @Override
  public void close() {
    // Heap memory: nothing to free eagerly; the arrays go with the object.
  }
}
