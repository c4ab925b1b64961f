package io.segmenta.kmeans;

import io.segmenta.kernels.KMeansStepResult;

/**
 * The centroid step and stopping rule of mini-batch K-Means (Sculley 2010; scikit-learn's
 * {@code MiniBatchKMeans}), one object per fit: every centroid moves to the running mean of all the
 * rows it has received, {@code c <- (c * W + S) / (W + w)}, and the fit stops when an exponentially
 * weighted average of the batch inertia has not improved for {@code maxNoImprovement} steps. Shared
 * by {@link MiniBatchKMeans} and the Spark driver, so both apply one rule to a batch's step result.
 */
public final class MiniBatchUpdate {
  private final int k;
  private final int d;
  private final int maxNoImprovement;
  private final double alpha;
  private final double[] counts;
  private double ewa = Double.NaN;
  private double bestEwa = Double.POSITIVE_INFINITY;
  private int noImprovement;

  /**
   * @param rows rows of the whole data (the smoothing weight is {@code min(1, 2 b / (n + 1))}, as scikit-learn's)
   * @param batch rows per step
   * @param maxNoImprovement 0 never stops early
   */
  public MiniBatchUpdate(int k, int d, long rows, int batch, int maxNoImprovement) {
    this.k = k;
    this.d = d;
    this.maxNoImprovement = maxNoImprovement;
    this.alpha = Math.min(1.0, 2.0 * batch / (rows + 1));
    this.counts = new double[k];
  }

  /**
   * Moves {@code centers} (row-major k x d) with the batch's step result {@code res} (its sums,
   * weights and inertia against these centers) and returns whether the fit should stop here.
   */
  public boolean apply(KMeansStepResult res, double[] centers) {
    double bw = 0;
    for (int c = 0; c < k; c++) {
      double wc = res.weights[c];
      bw += wc;
      if (wc <= 0) continue;
      for (int j = 0; j < d; j++) {
        int o = c * d + j;
        centers[o] = (centers[o] * counts[c] + res.sums[o]) / (counts[c] + wc);
      }
      counts[c] += wc;
    }
    double batchInertia = bw > 0 ? res.inertia / bw : 0;
    ewa = Double.isNaN(ewa) ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
    if (ewa < bestEwa) {
      bestEwa = ewa;
      noImprovement = 0;
      return false;
    }
    return maxNoImprovement > 0 && ++noImprovement >= maxNoImprovement;
  }
}
