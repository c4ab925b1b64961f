package io.segmenta.mixture;

import io.segmenta.kernels.GmmComponents;
import io.segmenta.preprocess.FeatureScaling;
import java.util.List;

/**
 * A fitted Gaussian mixture. Parameters live in the scaled space (after {@link #scaling()}); the
 * facade maps new data through the scaling before predicting.
 *
 * @param columns names of the feature columns
 * @param covarianceType the covariance shape
 * @param weights k mixing weights
 * @param means k rows of d values
 * @param covariances k full d x d matrices (diagonal for diag and spherical; equal for tied)
 * @param regCovar the regularisation the fit used
 * @param scaling the column scaling fitted before the mixture
 * @param lowerBound mean log-likelihood at the last EM iteration of the best initialisation
 * @param logLikelihood total (weighted) log-likelihood of the training data under this model
 * @param trainingWeight number of training rows (their total weight when weighted)
 * @param iterations EM iterations of the best initialisation
 * @param converged whether it stopped on {@code tol} rather than {@code maxIter}
 */
public record GmmModel(List<String> columns, CovarianceType covarianceType, double[] weights, double[][] means,
                       double[][][] covariances, double regCovar, FeatureScaling scaling, double lowerBound,
                       double logLikelihood, double trainingWeight, int iterations, boolean converged) {

  public GmmModel {
    columns = List.copyOf(columns);
    weights = weights.clone();
    means = deepCopy(means);
    double[][][] cv = new double[covariances.length][][];
    for (int c = 0; c < cv.length; c++) cv[c] = deepCopy(covariances[c]);
    covariances = cv;
  }

  public int k() { return weights.length; }

  public int d() { return means[0].length; }

  @Override public double[] weights() { return weights.clone(); }

  @Override public double[][] means() { return deepCopy(means); }

  @Override
  public double[][][] covariances() {
    double[][][] cv = new double[covariances.length][][];
    for (int c = 0; c < cv.length; c++) cv[c] = deepCopy(covariances[c]);
    return cv;
  }

  /** Free parameters: covariances, means and k - 1 weights (scikit-learn's count). */
  public long parameters() {
    return Gaussians.parameters(covarianceType, k(), d());
  }

  /** Bayesian information criterion on the training data: -2 log L + p ln n (lower is better). */
  public double bic() {
    return -2 * logLikelihood + parameters() * Math.log(trainingWeight);
  }

  /** Akaike information criterion on the training data: -2 log L + 2p (lower is better). */
  public double aic() {
    return -2 * logLikelihood + 2 * parameters();
  }

  /** Fails when a covariance is not positive definite (a hostile or corrupt model file). */
  public void checkComponents() {
    components();
  }

  /** The kernels' form of the components. */
  GmmComponents components() {
    return Gaussians.components(new Gaussians.Params(covarianceType, weights, means, covariances), regCovar);
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) out[i] = a[i].clone();
    return out;
  }
}
