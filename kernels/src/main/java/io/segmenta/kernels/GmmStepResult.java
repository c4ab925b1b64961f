package io.segmenta.kernels;

import java.util.Arrays;

/**
 * What one EM pass over the data returns: the E-step's log-likelihood under the components it was
 * given, and the sufficient statistics the M-step needs, accumulated in float64 with the
 * responsibilities (times the sample weights).
 *
 * <p>The first and second moments are taken about {@link #origin} (the backend's centring point,
 * the column means on every backend that centres), so that covariances computed from them do not
 * cancel for data far from zero: {@code mean_c = origin + sums_c / weights_c} and
 * {@code cov_c = squares_c / weights_c - (sums_c / weights_c)(sums_c / weights_c)^T}.
 *
 * <p>Mutable and reused across iterations.
 */
public final class GmmStepResult {
  private int k;
  private int d;
  private GmmComponents.Form form;
  /** {@code weights[c]} = sum_i w_i r_ic. */
  public double[] weights;
  /** {@code sums[c * d + j]} = sum_i w_i r_ic (x_ij - origin_j). */
  public double[] sums;
  /**
   * FULL: {@code squares[c * d * d + a * d + b]} = sum_i w_i r_ic (x_ia - o_a)(x_ib - o_b), both
   * triangles filled; DIAG: {@code squares[c * d + j]} = sum_i w_i r_ic (x_ij - o_j)^2.
   */
  public double[] squares;
  /** The point the moments are taken about ({@code d} values). */
  public double[] origin;
  /** sum_i w_i log sum_c p(x_i, c): the weighted log-likelihood before the M-step. */
  public double logLikelihood;
  /** sum_i w_i (the row count when unweighted). */
  public double totalWeight;

  public GmmStepResult(GmmComponents.Form form, int k, int d) {
    reset(form, k, d);
  }

  /** Clears every field for a pass with this shape (reallocating only when the shape changed). */
  public void reset(GmmComponents.Form form, int k, int d) {
    if (k < 1 || d < 1) throw new IllegalArgumentException("k and d must be >= 1, got " + k + ", " + d);
    if (weights == null || this.k != k || this.d != d || this.form != form) {
      this.k = k;
      this.d = d;
      this.form = form;
      weights = new double[k];
      sums = new double[Math.multiplyExact(k, d)];
      squares = new double[form == GmmComponents.Form.FULL ? Math.multiplyExact(k, Math.multiplyExact(d, d)) : k * d];
      origin = new double[d];
    } else {
      Arrays.fill(weights, 0);
      Arrays.fill(sums, 0);
      Arrays.fill(squares, 0);
      Arrays.fill(origin, 0);
    }
    logLikelihood = 0;
    totalWeight = 0;
  }

  public int k() { return k; }

  public int d() { return d; }

  public GmmComponents.Form form() { return form; }

  /** Adds another partial result (same shape and origin) into this one. */
  public void add(GmmStepResult o) {
    if (o.k != k || o.d != d || o.form != form) throw new IllegalArgumentException("shape mismatch");
    for (int i = 0; i < weights.length; i++) weights[i] += o.weights[i];
    for (int i = 0; i < sums.length; i++) sums[i] += o.sums[i];
    for (int i = 0; i < squares.length; i++) squares[i] += o.squares[i];
    logLikelihood += o.logLikelihood;
    totalWeight += o.totalWeight;
  }
}
