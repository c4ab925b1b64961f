package io.segmenta.mixture;

import io.segmenta.InvalidInputException;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.Objects;

/**
 * Parameters of a Gaussian mixture fit, with scikit-learn's {@code GaussianMixture} defaults.
 * Immutable and validated; build with {@link #builder(int)}.
 *
 * @param k components; at least 1 and at most the number of rows
 * @param covariance covariance shape; default {@link CovarianceType#FULL}
 * @param regCovar added to the diagonal of every covariance, so they stay positive definite;
 *     default 1e-6
 * @param tol EM stops when the mean log-likelihood (the lower bound) changes by less than this;
 *     default 1e-3. With 0 it runs {@code maxIter} iterations
 * @param maxIter EM iterations per initialisation; default 100
 * @param nInit initialisations (each from its own K-Means run); the highest lower bound wins;
 *     default 1
 * @param init the starting parameters, {@code null} (the default) for K-Means: responsibilities are
 *     the labels of one K-Means++ run per initialisation, as scikit-learn's {@code init_params='kmeans'}
 * @param seed seed of the K-Means initialisations; default 0
 * @param scale column scaling fitted before the fit and saved with the model; default none
 * @param log1p columns log-transformed before scaling; default none
 */
public record GmmParams(int k, CovarianceType covariance, double regCovar, double tol, int maxIter, int nInit,
                        GmmInit init, long seed, ScaleMethod scale, Log1p log1p) {

  public static final double DEFAULT_REG_COVAR = 1e-6;
  public static final double DEFAULT_TOL = 1e-3;
  public static final int DEFAULT_MAX_ITER = 100;

  public GmmParams {
    Objects.requireNonNull(covariance, "covariance");
    Objects.requireNonNull(scale, "scale");
    if (log1p == null) log1p = Log1p.NONE;
    if (k < 1) throw new InvalidInputException("k must be >= 1, got " + k);
    if (!(regCovar >= 0) || Double.isInfinite(regCovar)) throw new InvalidInputException("reg-covar must be finite and >= 0, got " + regCovar);
    if (!(tol >= 0) || Double.isInfinite(tol)) throw new InvalidInputException("tol must be finite and >= 0, got " + tol);
    if (maxIter < 1) throw new InvalidInputException("max-iter must be >= 1, got " + maxIter);
    if (nInit < 1) throw new InvalidInputException("n-init must be >= 1, got " + nInit);
    if (init != null) {
      if (init.k() != k) throw new InvalidInputException("initial parameters have " + init.k() + " components for k = " + k);
      if (nInit != 1) throw new InvalidInputException("n-init must be 1 with given initial parameters, got " + nInit);
      if (scale != ScaleMethod.NONE || !log1p.isNone()) {
        throw new InvalidInputException("given initial parameters are in the data's units: use them without --scale or --log1p");
      }
      init.checkFits(covariance);
    }
  }

  public static Builder builder(int k) {
    return new Builder(k);
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private final int k;
    private CovarianceType covariance = CovarianceType.FULL;
    private double regCovar = DEFAULT_REG_COVAR;
    private double tol = DEFAULT_TOL;
    private int maxIter = DEFAULT_MAX_ITER;
    private int nInit = 1;
    private GmmInit init;
    private long seed;
    private ScaleMethod scale = ScaleMethod.NONE;
    private Log1p log1p = Log1p.NONE;

    private Builder(int k) {
      this.k = k;
    }

    public Builder covariance(CovarianceType v) { covariance = v; return this; }

    public Builder regCovar(double v) { regCovar = v; return this; }

    public Builder tol(double v) { tol = v; return this; }

    public Builder maxIter(int v) { maxIter = v; return this; }

    public Builder nInit(int v) { nInit = v; return this; }

    public Builder init(GmmInit v) { init = v; return this; }

    public Builder seed(long v) { seed = v; return this; }

    public Builder scale(ScaleMethod v) { scale = v; return this; }

    public Builder log1p(Log1p v) { log1p = v; return this; }

    public GmmParams build() {
      return new GmmParams(k, covariance, regCovar, tol, maxIter, nInit, init, seed, scale, log1p);
    }
  }
}
