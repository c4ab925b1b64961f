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
