package io.segmenta.mixture;

import io.segmenta.InvalidInputException;

/**
 * Starting parameters given by the caller (scikit-learn's {@code weights_init}, {@code means_init}
 * and, as covariances rather than precisions, {@code precisions_init}), in the data's units.
 *
 * <p>Covariances are given as full {@code d x d} matrices for every covariance type: for
 * {@link CovarianceType#DIAG} they must be diagonal, for {@link CovarianceType#SPHERICAL} diagonal
 * with equal entries, for {@link CovarianceType#TIED} one matrix (or k equal ones).
 *
 * @param weights k mixing weights, positive, summing to 1 (within 1e-6)
 * @param means k rows of d values
 * @param covariances k (or, for tied, 1) symmetric positive definite d x d matrices
 */
public record GmmInit(double[] weights, double[][] means, double[][][] covariances) {

  public GmmInit {
    if (weights == null || means == null || covariances == null) throw new InvalidInputException("initial weights, means and covariances are all required");
    int k = weights.length;
    if (k < 1) throw new InvalidInputException("initial weights: none given");
    if (means.length != k) throw new InvalidInputException("initial means: " + means.length + " rows for " + k + " weights");
    double sum = 0;
    for (int c = 0; c < k; c++) {
      if (!(weights[c] > 0) || Double.isInfinite(weights[c])) throw new InvalidInputException("initial weight " + (c + 1) + " is " + weights[c] + ": weights must be > 0");
      sum += weights[c];
    }
    if (Math.abs(sum - 1) > 1e-6) throw new InvalidInputException("initial weights sum to " + sum + ", not 1");
    int d = means[0].length;
    double[][] m = new double[k][];
    for (int c = 0; c < k; c++) {
      if (means[c].length != d) throw new InvalidInputException("initial mean " + (c + 1) + " has " + means[c].length + " values, mean 1 has " + d);
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(means[c][j])) throw new InvalidInputException("initial mean " + (c + 1) + ", column " + (j + 1) + " is not finite");
      }
      m[c] = means[c].clone();
    }
    if (covariances.length != k && covariances.length != 1) {
      throw new InvalidInputException("initial covariances: " + covariances.length + " matrices for " + k + " components");
    }
    double[][][] cv = new double[covariances.length][][];
    for (int c = 0; c < covariances.length; c++) {
      if (covariances[c].length != d) throw new InvalidInputException("initial covariance " + (c + 1) + " has " + covariances[c].length + " rows, expected " + d);
      cv[c] = new double[d][];
      for (int a = 0; a < d; a++) {
        if (covariances[c][a].length != d) throw new InvalidInputException("initial covariance " + (c + 1) + ", row " + (a + 1) + " has " + covariances[c][a].length + " values, expected " + d);
        for (int b = 0; b < d; b++) {
          double v = covariances[c][a][b];
          if (!Double.isFinite(v)) throw new InvalidInputException("initial covariance " + (c + 1) + " [" + (a + 1) + "," + (b + 1) + "] is not finite");
          if (b < a && Math.abs(v - covariances[c][b][a]) > 1e-12 * Math.max(1, Math.abs(v))) {
            throw new InvalidInputException("initial covariance " + (c + 1) + " is not symmetric at [" + (a + 1) + "," + (b + 1) + "]");
          }
        }
        cv[c][a] = covariances[c][a].clone();
      }
    }
    weights = weights.clone();
    means = m;
    covariances = cv;
  }

  public int k() {
    return weights.length;
  }

  public int d() {
    return means[0].length;
  }

  /** Covariance of component c (the shared one when one matrix was given). */
  double[][] covariance(int c) {
    return covariances[covariances.length == 1 ? 0 : c];
  }

  void checkFits(CovarianceType type) {
    int k = k(), d = d();
    if (covariances.length == 1 && k > 1 && type != CovarianceType.TIED) {
      throw new InvalidInputException("one initial covariance given for " + k + " components; that is the tied type, not " + type.label());
    }
    for (int c = 0; c < covariances.length; c++) {
      double[][] s = covariances[c];
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          if (a != b && s[a][b] != 0 && (type == CovarianceType.DIAG || type == CovarianceType.SPHERICAL)) {
            throw new InvalidInputException("initial covariance " + (c + 1) + " has an off-diagonal value at [" + (a + 1) + "," + (b + 1) + "]; "
                + type.label() + " covariances are diagonal");
          }
        }
        if (type == CovarianceType.SPHERICAL && s[a][a] != s[0][0]) {
          throw new InvalidInputException("initial covariance " + (c + 1) + " has unequal variances; spherical covariances have one");
        }
      }
      if (type == CovarianceType.TIED && c > 0 && !java.util.Arrays.deepEquals(s, covariances[0])) {
        throw new InvalidInputException("tied covariances are shared: initial covariance " + (c + 1) + " differs from the first");
      }
    }
  }
}
