package io.segmenta.cpu;

import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;

/**
 * The per-chunk kernels of the CPU backend. {@link CpuBackend} cuts the data into fixed chunks,
 * runs these on worker threads and reduces the partial results in chunk order.
 *
 * <p>Two implementations: {@link ScalarKernels} (float64, row-major, the reference) and
 * {@code VectorKernels} (Java Vector API, blocked structure-of-arrays, float32 distances). Each
 * decides its own chunk layout through {@link #pack}.
 */
interface CpuKernels {

  /** Short name for logs: {@code cpu-vector} or {@code cpu-scalar}. */
  String name();

  /** Whether {@link #pack} centres rows on the column means (sums then come back centred). */
  boolean centres();

  /**
   * Whether {@link #step} reports only the changes of the sums, weights and counts (of rows whose
   * label moved) rather than their full values; the backend then keeps the running totals.
   */
  boolean incremental();

  /** Rows per packing block; chunk sizes are multiples of it. */
  int blockRows();

  /** Describes the SIMD width in words, for {@link io.segmenta.kernels.BackendInfo#device()}. */
  String describe();

  /**
   * Packs rows {@code [from, from + rows)} of {@code x} into this kernel's layout, subtracting
   * {@code mean} (may be all zeros). Padded rows are zero.
   */
  CpuChunk pack(HostMatrix x, long from, int rows, double[] mean, float[] weights);

  /** Centroids prepared once per step (rounded, centred, padded as the kernel needs). */
  Object prepare(double[] centroids, int k, int d, double[] mean);

  /**
   * The fused step on one chunk: labels and distances into {@code labels}/{@code dist} (indexed by
   * row within the chunk), and the chunk's partial sums (of centred values), weights, counts,
   * inertia and changed count into {@code partial}, which arrives zeroed. With {@link
   * #incremental()}, sums, weights and counts are the changes against the labels held before.
   */
  void step(CpuChunk chunk, Object prepared, int[] labels, float[] dist, KMeansStepResult partial);

  /** Squared distances from chunk rows {@code [r0, r0 + count)} to the prepared centres. */
  void pairwise(CpuChunk chunk, int r0, int count, Object prepared, float[] out, int outOff);

  /**
   * One chunk's share of an EM pass: responsibilities under {@code g} and the moments about the
   * chunk's coordinates' origin, added into {@code partial} (which arrives zeroed).
   */
  void gmmStep(CpuChunk chunk, GmmPrepared g, GmmStepResult partial);

  /** log p(x, c) of chunk rows {@code [r0, r0 + count)}, row-major from {@code out[outOff]}. */
  void gmmLogDensities(CpuChunk chunk, int r0, int count, GmmPrepared g, double[] out, int outOff);

  /**
   * Adds to {@code out[outOff + (r - r0) * g + c]} the Euclidean distances from rows {@code [r0, r0
   * + count)} of {@code rows} to every row of {@code cols} (whose first row is global row {@code
   * colStart}), each added to the group c whose range {@code [bounds[c], bounds[c + 1])} holds it.
   */
  void groupDistanceSums(CpuChunk rows, int r0, int count, CpuChunk cols, long colStart, int d, long[] bounds, double[] out, int outOff);

  /**
   * As {@link #groupDistanceSums}, by plain float64 loops over this kernel's layout: for calls too
   * small to repay the compilation of a fused kernel. The default is the fused kernel itself.
   */
  default void plainGroupDistanceSums(CpuChunk rows, int r0, int count, CpuChunk cols, long colStart, int d, long[] bounds, double[] out,
                                      int outOff) {
    groupDistanceSums(rows, r0, count, cols, colStart, d, bounds, out, outOff);
  }

  /**
   * The weighted sum of the squared (centred) norms of the chunk's rows in float64, for the exact
   * inertia {@code Q - sum_c (2 c.S_c - W_c ||c||^2)}; NaN when the kernel does not offer it.
   */
  default double squares(CpuChunk chunk, int d) {
    return Double.NaN;
  }
}
