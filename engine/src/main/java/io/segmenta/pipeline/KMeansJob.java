package io.segmenta.pipeline;

import io.segmenta.EngineOptions;
import io.segmenta.InvalidInputException;
import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One K-Means run of the main job, from the rows to the published outputs: what {@code segment
 * kmeans}, a Spark job or a service asks {@link KMeansPipeline#run} for. Immutable and validated;
 * build with {@link #builder(Source, Path)}.
 *
 * @param source where the rows come from
 * @param out the output directory; replaced as a whole when the run finishes (see {@link RunDir})
 * @param force write into {@code out} even when it holds files no Segmenta run wrote; default false
 * @param kMin smallest k fitted (at least 1)
 * @param kMax largest k fitted; when above {@code kMin}, every k in between is fitted and the one at
 *     the elbow of the inertia curve (Kneedle) is kept; default {@code kMin}
 * @param init how to start; null = the default: k-means++ for Lloyd, k-means|| for mini-batch
 * @param initialCentroids a table of k starting centroids in the input's units; only with
 *     {@code init} {@link Init#GIVEN} (and one k)
 * @param nInit restarts, the lowest inertia wins; default 0 = auto (10 for random, 1 otherwise)
 * @param maxIter Lloyd iterations per restart; default 300
 * @param tol relative tolerance of the centroid shift; default 1e-4
 * @param seed seed of every random choice; default 0
 * @param swaps random-swap trials per restart (quality mode); default 0
 * @param miniBatch mini-batch K-Means instead of Lloyd; default false
 * @param batchSize rows per mini-batch step; default 1024
 * @param maxSteps mini-batch steps at most; default 10,000
 * @param scale column scaling; default {@link ScaleMethod#NONE}
 * @param log1p columns log-transformed before scaling; default {@link Log1p#NONE}
 * @param engine backend, threads and GPU fallback; default {@link EngineOptions#DEFAULTS}
 * @param names segment names that replace the derived ones; default none
 * @param riskMultiple early warning: at risk past this many typical gaps between purchases; default 2
 */
public record KMeansJob(Source source, Path out, boolean force, int kMin, int kMax, Init init, Path initialCentroids, int nInit,
                        int maxIter, double tol, long seed, int swaps, boolean miniBatch, int batchSize, int maxSteps,
                        ScaleMethod scale, Log1p log1p, EngineOptions engine, Map<Integer, String> names, double riskMultiple) {

  public static final int DEFAULT_BATCH_SIZE = 1024;
  public static final int DEFAULT_MAX_STEPS = 10_000;
  public static final double DEFAULT_RISK_MULTIPLE = 2.0;

  public KMeansJob {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(out, "out");
    if (scale == null) scale = ScaleMethod.NONE;
    if (log1p == null) log1p = Log1p.NONE;
    if (engine == null) engine = EngineOptions.DEFAULTS;
    names = names == null ? Map.of() : Map.copyOf(names);
    if (kMin < 1) throw new InvalidInputException("k must be >= 1, got " + kMin);
    if (kMax < kMin) throw new InvalidInputException("kMax (" + kMax + ") must be >= kMin (" + kMin + ")");
    boolean sweep = kMax > kMin;
    if (init == Init.GIVEN) {
      if (initialCentroids == null) throw new InvalidInputException("init 'given' needs a file of initial centroids (--init FILE)");
      if (sweep) throw new InvalidInputException("a sweep over k (--k auto) cannot use a file of initial centroids");
    } else if (initialCentroids != null) {
      throw new InvalidInputException("initialCentroids are given but init is " + (init == null ? "the default" : "'" + init.label() + "'"));
    }
    if (batchSize < 1) throw new InvalidInputException("batchSize (--batch-size) must be >= 1, got " + batchSize);
    if (maxSteps < 1) throw new InvalidInputException("maxSteps (--max-steps) must be >= 1, got " + maxSteps);
    if (!(riskMultiple > 0) || Double.isInfinite(riskMultiple)) {
      throw new InvalidInputException("riskMultiple (--risk-multiple) must be finite and > 0, got " + riskMultiple);
    }
    if (miniBatch) {
      if (sweep) throw new InvalidInputException("--mini-batch takes one --k, not a sweep");
      if (init == Init.GIVEN || init == Init.RANDOM || swaps > 0 || nInit > 1) {
        throw new InvalidInputException("--mini-batch starts from k-means|| or k-means++ and has no --n-init or --swaps");
      }
    }
    // The Lloyd parameters, validated now rather than after the rows were read.
    new KMeansParams(kMin, init == null || init == Init.GIVEN ? Init.KMEANS_PLUS_PLUS : init, null, nInit, maxIter, tol, seed, scale, log1p, swaps);
  }

  /** A job with every default: one k, k-means++, no scaling, outputs under {@code out}. */
  public static Builder builder(Source source, Path out) {
    return new Builder(source, out);
  }

  /** Whether several k are fitted and the elbow chooses. */
  public boolean sweep() {
    return kMax > kMin;
  }

  /** Builds a {@link KMeansJob}; every setter has the default documented on the record. */
  public static final class Builder {
    private final Source source;
    private final Path out;
    private boolean force;
    private int kMin = 1, kMax = 1;
    private Init init;
    private Path initialCentroids;
    private int nInit;
    private int maxIter = KMeansParams.DEFAULT_MAX_ITER;
    private double tol = KMeansParams.DEFAULT_TOL;
    private long seed;
    private int swaps;
    private boolean miniBatch;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxSteps = DEFAULT_MAX_STEPS;
    private ScaleMethod scale = ScaleMethod.NONE;
    private Log1p log1p = Log1p.NONE;
    private EngineOptions engine = EngineOptions.DEFAULTS;
    private Map<Integer, String> names = Map.of();
    private double riskMultiple = DEFAULT_RISK_MULTIPLE;

    private Builder(Source source, Path out) {
      this.source = source;
      this.out = out;
    }

    public Builder force(boolean v) { force = v; return this; }

    public Builder k(int k) { kMin = k; kMax = k; return this; }

    public Builder kRange(int lo, int hi) { kMin = lo; kMax = hi; return this; }

    public Builder init(Init v) { init = v; initialCentroids = null; return this; }

    public Builder initialCentroids(Path file) { init = Init.GIVEN; initialCentroids = file; return this; }

    public Builder nInit(int v) { nInit = v; return this; }

    public Builder maxIter(int v) { maxIter = v; return this; }

    public Builder tol(double v) { tol = v; return this; }

    public Builder seed(long v) { seed = v; return this; }

    public Builder swaps(int v) { swaps = v; return this; }

    public Builder miniBatch(boolean v) { miniBatch = v; return this; }

    public Builder batchSize(int v) { batchSize = v; return this; }

    public Builder maxSteps(int v) { maxSteps = v; return this; }

    public Builder scale(ScaleMethod v) { scale = v; return this; }

    public Builder log1p(Log1p v) { log1p = v; return this; }

    public Builder engine(EngineOptions v) { engine = v; return this; }

    public Builder names(Map<Integer, String> v) { names = v; return this; }

    public Builder riskMultiple(double v) { riskMultiple = v; return this; }

    public KMeansJob build() {
      return new KMeansJob(source, out, force, kMin, kMax, init, initialCentroids, nInit, maxIter, tol, seed, swaps, miniBatch, batchSize,
          maxSteps, scale, log1p, engine, names, riskMultiple);
    }
  }
}
