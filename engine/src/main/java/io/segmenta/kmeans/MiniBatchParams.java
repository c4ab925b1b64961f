package io.segmenta.kmeans;

import io.segmenta.InvalidInputException;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.Objects;

/**
 * Parameters of mini-batch K-Means (Sculley 2010; scikit-learn's {@code MiniBatchKMeans}), for
 * data at 10^8 rows: each step assigns a random batch and moves every centroid to the running mean
 * of the rows it has received.
 *
 * @param k clusters
 * @param batchSize rows per step, drawn uniformly with replacement; default 1024 (scikit-learn's)
 * @param maxSteps step cap; default 10,000
 * @param maxNoImprovement stop after this many steps without a better smoothed batch inertia (an
 *     exponentially weighted average, as scikit-learn's); default 10; 0 never stops early
 * @param init {@link Init#KMEANS_PARALLEL} (the default: passes that stream a store) or
 *     {@link Init#KMEANS_PLUS_PLUS} on a sample of {@code max(3 * batchSize, 3 * k)} rows
 * @param seed seed of every random choice; default 0
 * @param scale column scaling; default none
 * @param log1p columns log-transformed before scaling; default none
 */
public record MiniBatchParams(int k, int batchSize, int maxSteps, int maxNoImprovement, Init init, long seed, ScaleMethod scale,
                              Log1p log1p) {

  public MiniBatchParams {
    Objects.requireNonNull(init, "init");
    Objects.requireNonNull(scale, "scale");
    if (log1p == null) log1p = Log1p.NONE;
    if (k < 1) throw new InvalidInputException("k must be >= 1, got " + k);
    if (batchSize < 1) throw new InvalidInputException("batch-size must be >= 1, got " + batchSize);
    if (maxSteps < 1) throw new InvalidInputException("max-steps must be >= 1, got " + maxSteps);
    if (maxNoImprovement < 0) throw new InvalidInputException("max-no-improvement must be >= 0, got " + maxNoImprovement);
    if (init != Init.KMEANS_PARALLEL && init != Init.KMEANS_PLUS_PLUS) {
      throw new InvalidInputException("mini-batch K-Means starts from k-means|| or k-means++, not " + init.label());
    }
  }

  public static Builder builder(int k) {
    return new Builder(k);
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private final int k;
    private int batchSize = 1024;
    private int maxSteps = 10_000;
    private int maxNoImprovement = 10;
    private Init init = Init.KMEANS_PARALLEL;
    private long seed;
    private ScaleMethod scale = ScaleMethod.NONE;
    private Log1p log1p = Log1p.NONE;

    private Builder(int k) {
      this.k = k;
    }

    public Builder batchSize(int v) { batchSize = v; return this; }

    public Builder maxSteps(int v) { maxSteps = v; return this; }

    public Builder maxNoImprovement(int v) { maxNoImprovement = v; return this; }

    public Builder init(Init v) { init = v; return this; }

    public Builder seed(long v) { seed = v; return this; }

    public Builder scale(ScaleMethod v) { scale = v; return this; }

    public Builder log1p(Log1p v) { log1p = v; return this; }

    public MiniBatchParams build() {
      return new MiniBatchParams(k, batchSize, maxSteps, maxNoImprovement, init, seed, scale, log1p);
    }
  }
}
