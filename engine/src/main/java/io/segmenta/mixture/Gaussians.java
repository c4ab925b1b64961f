package io.segmenta.mixture;

import io.segmenta.InvalidInputException;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;

/**
 * The host side of EM, in float64: parameters from moments (the M-step, scikit-learn's
 * {@code _estimate_gaussian_parameters}), and the precision Cholesky factors the kernels take
 * ({@code _compute_precision_cholesky}). Public for distributed fits (the Spark module), whose
 * driver runs this M-step on moments summed over partitions.
 */
public final class Gaussians {
  /** scikit-learn adds 10 machine epsilons to every component weight, so empty ones never divide by 0. */
  static final double EPS10 = 10 * Math.ulp(1.0);

  private Gaussians() {}

  /** Mixture parameters: covariances are full d x d matrices for every type (k of them; tied repeats one). */
  public record Params(CovarianceType type, double[] weights, double[][] means, double[][][] covariances) {}

  /**
   * The M-step: weights, means and covariances (with {@code reg} on the diagonal) from the moments
   * of a pass ({@code squares} about {@code origin}, full or per column as the pass was).
   */
  public static Params mStep(CovarianceType type, GmmStepResult s, double reg) {
    int k = s.k(), d = s.d();
    boolean fullMoments = s.form() == GmmComponents.Form.FULL;
    double[] nk = new double[k];
    double total = 0;
    for (int c = 0; c < k; c++) total += nk[c] = s.weights[c] + EPS10;
    double[] weights = new double[k];
    double[][] means = new double[k][d];
    double[][][] cov = new double[k][d][d];
    for (int c = 0; c < k; c++) {
      weights[c] = nk[c] / total;
      double w = s.weights[c];
      // delta = mean - origin; sum r (x - mean)(x - mean)^T = S2 - s1 delta^T - delta s1^T + w delta delta^T
      double[] delta = new double[d];
      for (int j = 0; j < d; j++) {
        delta[j] = s.sums[c * d + j] / nk[c] + s.origin[j] * (w / nk[c] - 1);
        means[c][j] = s.origin[j] + delta[j];
      }
      for (int a = 0; a < d; a++) {
        for (int b = fullMoments ? 0 : a; b < (fullMoments ? d : a + 1); b++) {
          double s2 = fullMoments ? s.squares[(c * d + a) * d + b] : s.squares[c * d + a];
          double v = s2 - s.sums[c * d + a] * delta[b] - delta[a] * s.sums[c * d + b] + w * delta[a] * delta[b];
          cov[c][a][b] = v / nk[c];
        }
      }
    }
    switch (type) {
      case FULL, DIAG -> {
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) cov[c][j][j] += reg;
      }
      case SPHERICAL -> {
        for (int c = 0; c < k; c++) {
          double m = 0;
          for (int j = 0; j < d; j++) m += cov[c][j][j] + reg;
          m /= d;
          for (int j = 0; j < d; j++) cov[c][j][j] = m;
        }
      }
      case TIED -> {
        double[][] t = new double[d][d];
        for (int c = 0; c < k; c++) for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) t[a][b] += cov[c][a][b] * nk[c];
        for (int a = 0; a < d; a++) {
          for (int b = 0; b < d; b++) t[a][b] /= total;
          t[a][a] += reg;
        }
        for (int c = 0; c < k; c++) cov[c] = t;
      }
    }
    return new Params(type, weights, means, cov);
  }

  /** The kernels' form of these parameters; fails, naming the component, if a covariance is not positive definite. */
  public static GmmComponents components(Params p, double reg) {
    int k = p.weights().length, d = p.means()[0].length;
    boolean full = p.type().form() == GmmComponents.Form.FULL;
    double[] means = new double[k * d];
    double[] pc = new double[full ? k * d * d : k * d];
    double[] ln = new double[k];
    double log2pi = Math.log(2 * Math.PI);
    for (int c = 0; c < k; c++) {
      System.arraycopy(p.means()[c], 0, means, c * d, d);
      double logDet = 0;
      if (full) {
        double[][] l = cholesky(p.covariances()[c], c, reg);
        double[][] inv = lowerInverse(l);
        for (int a = 0; a < d; a++) {
          logDet -= Math.log(l[a][a]);
          for (int b = a; b < d; b++) pc[(c * d + a) * d + b] = inv[b][a]; // P = (L^-1)^T, upper
        }
      } else {
        double floor = floor(p.covariances()[c]);
        for (int j = 0; j < d; j++) {
          double v = p.covariances()[c][j][j];
          if (!(v > floor)) throw notPositive(c, reg);
          pc[c * d + j] = 1 / Math.sqrt(v);
          logDet += Math.log(pc[c * d + j]);
        }
      }
      ln[c] = Math.log(p.weights()[c]) + logDet - 0.5 * d * log2pi;
    }
    return new GmmComponents(full ? GmmComponents.Form.FULL : GmmComponents.Form.DIAG, k, d, means, pc, ln);
  }

  /**
   * The smallest pivot treated as positive: a few ulps of the largest variance. Below it the matrix
   * is singular to working precision (a constant column gives a variance of 1e-30 by rounding, not
   * 0), and its inverse would be noise.
   */
  static double floor(double[][] a) {
    double max = 0;
    for (int j = 0; j < a.length; j++) max = Math.max(max, Math.abs(a[j][j]));
    return 64.0 * a.length * Math.ulp(max);
  }

  /** Lower Cholesky factor of a symmetric matrix; fails, naming the component, on a pivot at or below {@link #floor}. */
  static double[][] cholesky(double[][] a, int component, double reg) {
    int d = a.length;
    double floor = floor(a);
    double[][] l = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int q = 0; q < j; q++) s -= l[i][q] * l[j][q];
        if (i == j) {
          if (!(s > floor)) throw notPositive(component, reg);
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  /** Inverse of a lower-triangular matrix by forward substitution (lower triangular too). */
  static double[][] lowerInverse(double[][] l) {
    int d = l.length;
    double[][] inv = new double[d][d];
    for (int col = 0; col < d; col++) {
      for (int i = col; i < d; i++) {
        double s = i == col ? 1 : 0;
        for (int q = col; q < i; q++) s -= l[i][q] * inv[q][col];
        inv[i][col] = s / l[i][i];
      }
    }
    return inv;
  }

  private static InvalidInputException notPositive(int c, double reg) {
    return new InvalidInputException("component " + (c + 1) + " has a covariance that is not positive definite (reg-covar = " + reg
        + "); it has collapsed onto too few distinct rows: increase reg-covar, lower k, or drop constant or duplicated columns");
  }

  /** Free parameters of the model, as scikit-learn's {@code _n_parameters}. */
  static long parameters(CovarianceType type, int k, int d) {
    return type.covarianceParameters(k, d) + (long) k * d + k - 1;
  }
}
