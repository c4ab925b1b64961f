package io.segmenta.kmeans;

import io.segmenta.InvalidInputException;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parameters of a K-Means run. Immutable and validated; build with {@link #builder(int)}.
 *
 * @param k number of clusters; at least 1 and at most the number of distinct rows
 * @param init how to start; default {@link Init#KMEANS_PLUS_PLUS}
 * @param initialCentroids k rows of starting centroids in the input's units (the run maps them
 *     through the fitted scaling); required with, and only with, {@link Init#GIVEN}
 * @param nInit restarts, the lowest final inertia wins; default 0 = auto: 10 for
 *     {@link Init#RANDOM}, 1 otherwise (scikit-learn's {@code n_init='auto'})
 * @param maxIter Lloyd iterations per restart; default 300
 * @param tol stop when the squared centroid shift, summed over centroids, is at most {@code tol}
 *     times the mean column variance of the data (scikit-learn's rule); default 1e-4. A restart
 *     also stops when no label changed (strict convergence, as scikit-learn). With 0, only strict
 *     convergence or {@code maxIter} stop it.
 * @param seed seed of every random choice: the same seed gives the same result on any thread
 *     count; default 0
 * @param scale column scaling fitted before clustering, saved with the model; default
 *     {@link ScaleMethod#NONE}
 * @param log1p columns log-transformed before scaling (by name, or automatically above a
 *     skewness), saved with the model; default {@link Log1p#NONE}
 * @param swaps the quality mode: after each restart's Lloyd run, this many random-swap trials
 *     (Fränti 2018): one centroid moves to a random row, two Lloyd iterations follow, and the move
 *     is kept when the inertia drops; then Lloyd runs to convergence again. Each trial costs two
 *     passes over the data. It finds clusters that k-means++ with restarts misses (measured on
 *     the UEF benchmark sets in benchmarks/RESULTS.md); default 0 (off)
 */
public record KMeansParams(int k, Init init, double[][] initialCentroids, int nInit, int maxIter,
                           double tol, long seed, ScaleMethod scale, Log1p log1p, int swaps) {

  public static final int DEFAULT_MAX_ITER = 300;
  public static final double DEFAULT_TOL = 1e-4;

  public KMeansParams {
    Objects.requireNonNull(init, "init");
    Objects.requireNonNull(scale, "scale");
    if (log1p == null) log1p = Log1p.NONE;
    if (k < 1) throw new InvalidInputException("k must be >= 1, got " + k);
    if (nInit < 0) throw new InvalidInputException("n-init must be >= 1 (or 0 for auto), got " + nInit);
    if (maxIter < 1) throw new InvalidInputException("max-iter must be >= 1, got " + maxIter);
    if (!(tol >= 0) || Double.isInfinite(tol)) throw new InvalidInputException("tol must be finite and >= 0, got " + tol);
    if (swaps < 0) throw new InvalidInputException("swaps must be >= 0, got " + swaps);
    if (init == Init.GIVEN) {
      if (initialCentroids == null) throw new InvalidInputException("init 'given' needs initial centroids");
      if (initialCentroids.length != k) {
        throw new InvalidInputException("initial centroids: " + initialCentroids.length + " rows given for k = " + k);
      }
      int d = initialCentroids[0].length;
      double[][] copy = new double[k][];
      for (int c = 0; c < k; c++) {
        if (initialCentroids[c].length != d) {
          throw new InvalidInputException("initial centroid " + (c + 1) + " has " + initialCentroids[c].length + " values, centroid 1 has " + d);
        }
        for (int j = 0; j < d; j++) {
          if (!Double.isFinite(initialCentroids[c][j])) {
            throw new InvalidInputException("initial centroid " + (c + 1) + ", column " + (j + 1) + ": value " + initialCentroids[c][j] + " is not finite");
          }
        }
        copy[c] = initialCentroids[c].clone();
      }
      initialCentroids = copy;
      if (nInit > 1) throw new InvalidInputException("n-init must be 1 with given initial centroids, got " + nInit);
    } else if (initialCentroids != null) {
      throw new InvalidInputException("initial centroids are given but init is '" + init.label() + "'");
    }
  }

  /** Restarts actually run: {@link #nInit()}, or the auto rule when it is 0. */
  public int effectiveNInit() {
    if (nInit > 0) return nInit;
    return init == Init.RANDOM ? 10 : 1;
  }

  /** A copy of the initial centroids (the record keeps its own). */
  @Override
  public double[][] initialCentroids() {
    if (initialCentroids == null) return null;
    double[][] c = new double[initialCentroids.length][];
    for (int i = 0; i < c.length; i++) c[i] = initialCentroids[i].clone();
    return c;
  }

  public static Builder builder(int k) {
    return new Builder(k);
  }

  public Builder toBuilder() {
    Builder b = new Builder(k);
    b.init = init;
    b.initialCentroids = initialCentroids;
    b.nInit = nInit;
    b.maxIter = maxIter;
    b.tol = tol;
    b.seed = seed;
    b.scale = scale;
    b.log1p = log1p;
    b.swaps = swaps;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KMeansParams p && k == p.k && init == p.init && nInit == p.nInit && maxIter == p.maxIter
        && Double.compare(tol, p.tol) == 0 && seed == p.seed && scale == p.scale && log1p.equals(p.log1p) && swaps == p.swaps
        && Arrays.deepEquals(initialCentroids, p.initialCentroids);
  }

  @Override
  public int hashCode() {
    return Objects.hash(k, init, nInit, maxIter, tol, seed, scale, log1p, swaps) * 31 + Arrays.deepHashCode(initialCentroids);
  }

  @Override
  public String toString() {
    return "KMeansParams[k=" + k + ", init=" + init.label() + ", nInit=" + nInit + ", maxIter=" + maxIter
        + ", tol=" + tol + ", seed=" + seed + ", scale=" + scale.label() + (log1p.isNone() ? "" : ", log1p=" + log1p)
        + (swaps == 0 ? "" : ", swaps=" + swaps) + "]";
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private final int k;
    private Init init = Init.KMEANS_PLUS_PLUS;
    private double[][] initialCentroids;
    private int nInit = 0;
    private int maxIter = DEFAULT_MAX_ITER;
    private double tol = DEFAULT_TOL;
    private long seed = 0;
    private ScaleMethod scale = ScaleMethod.NONE;
    private Log1p log1p = Log1p.NONE;
    private int swaps = 0;

    private Builder(int k) {
      this.k = k;
    }

    public Builder init(Init v) { this.init = v; return this; }

    /** Sets {@link Init#GIVEN} with these centroids. */
    public Builder initialCentroids(double[][] v) { this.init = Init.GIVEN; this.initialCentroids = v; return this; }

    public Builder nInit(int v) { this.nInit = v; return this; }

    public Builder maxIter(int v) { this.maxIter = v; return this; }

    public Builder tol(double v) { this.tol = v; return this; }

    public Builder seed(long v) { this.seed = v; return this; }

    public Builder scale(ScaleMethod v) { this.scale = v; return this; }

    public Builder log1p(Log1p v) { this.log1p = v; return this; }

    /** The quality mode: random-swap trials per restart (0 = off). */
    public Builder swaps(int v) { this.swaps = v; return this; }

    public KMeansParams build() {
      return new KMeansParams(k, init, initialCentroids, nInit, maxIter, tol, seed, scale, log1p, swaps);
    }
  }
}
