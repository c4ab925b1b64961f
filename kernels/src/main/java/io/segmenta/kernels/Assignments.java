package io.segmenta.kernels;

/**
 * Per-row results of an assignment, kept by the backend between iterations: the index of the
 * nearest centroid and the squared Euclidean distance to it. Closing it frees the buffer.
 */
public interface Assignments extends AutoCloseable {
  long rows();

  /** Copies labels of rows {@code [from, from + len)} to {@code dst[off ..]}. */
  void copyLabels(long from, int[] dst, int off, int len);

  /** Copies squared distances of rows {@code [from, from + len)} to {@code dst[off ..]}. */
  void copyDistances(long from, float[] dst, int off, int len);

  @Override
  void close();
}
