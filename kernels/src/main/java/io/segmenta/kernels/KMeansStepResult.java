package io.segmenta.kernels;

import java.util.Arrays;

/**
 * What one fused K-Means step returns besides the labels: the per-cluster sums of the (weighted)
 * points in float64, the per-cluster weight and point counts, the (weighted) inertia with respect to
 * the centroids the step was given, and how many labels changed.
 *
 * <p>Mutable and reused across iterations so that the hot loop allocates nothing.
 */
public final class KMeansStepResult {
  private int k;
  private int d;
  /** {@code sums[c * d + j]} = sum over rows labelled c of w_i * x_ij. */
  public double[] sums;
  /** {@code weights[c]} = sum over rows labelled c of w_i (the count when unweighted). */
  public double[] weights;
  /** {@code counts[c]} = number of rows labelled c. */
  public long[] counts;
  /** Sum over rows of w_i * ||x_i - c_label||^2. */
  public double inertia;
  /** Number of rows whose label differs from the one the assignments buffer held before. */
  public long changed;

  public KMeansStepResult(int k, int d) {
    reset(k, d);
  }

  /** Clears all fields for a step with k clusters in d dimensions. */
  public void reset(int k, int d) {
    if (k < 1 || d < 1) throw new IllegalArgumentException("k and d must be >= 1, got " + k + ", " + d);
    if (sums == null || this.k != k || this.d != d) {
      this.k = k;
      this.d = d;
      sums = new double[Math.multiplyExact(k, d)];
      weights = new double[k];
      counts = new long[k];
    } else {
      Arrays.fill(sums, 0);
      Arrays.fill(weights, 0);
      Arrays.fill(counts, 0);
    }
    inertia = 0;
    changed = 0;
  }

  public int k() { return k; }

  public int d() { return d; }

  /** Adds another partial result into this one (used by ordered reductions). */
  public void add(KMeansStepResult o) {
    if (o.k != k || o.d != d) throw new IllegalArgumentException("shape mismatch");
    for (int i = 0; i < sums.length; i++) sums[i] += o.sums[i];
    for (int c = 0; c < k; c++) {
      weights[c] += o.weights[c];
      counts[c] += o.counts[c];
    }
    inertia += o.inertia;
    changed += o.changed;
  }
}
