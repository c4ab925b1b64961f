package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.mixture.CovarianceType;
import io.segmenta.mixture.GmmInit;
import io.segmenta.mixture.GmmModel;
import io.segmenta.mixture.GmmParams;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleArrayArrayParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Gaussian mixtures on Spark with the engine's compute backends inside every executor: an {@link
 * Estimator} with MLlib's {@code GaussianMixture} parameter names and defaults ({@code k} = 2,
 * {@code maxIter} = 100, {@code tol} = 0.01, {@code seed}, {@code featuresCol} = "features",
 * {@code predictionCol} = "prediction", {@code probabilityCol} = "probability", {@code weightCol},
 * {@code aggregationDepth} = 2), plus the engine's: {@code covarianceType} (full, tied, diag,
 * spherical; default full), {@code regCovar} (1e-6), {@code nInit} (1), the initial Gaussians (or
 * an initial model), the backend, column scaling and log1p.
 *
 * <p>Each EM iteration is one pass over the partitions; see {@link SparkGmmFit}. The tolerance is
 * the engine's (and scikit-learn's): stop when the mean log-likelihood per row (the lower bound)
 * changes by less than {@code tol}. MLlib's default (0.01) is kept, but MLlib applies it to the
 * total log-likelihood, so this estimator's 0.01 is looser by a factor of the row count. With
 * {@code tol} = 0 it runs {@code maxIter} iterations.
 */
public final class SegmentaGaussianMixture extends Estimator<SegmentaGaussianMixtureModel> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private TaskFault fault;

  final IntParam k;
  final IntParam maxIter;
  final DoubleParam tol;
  final LongParam seed;
  final Param<String> covarianceType;
  final DoubleParam regCovar;
  final IntParam nInit;
  final IntParam aggregationDepth;
  final DoubleArrayParam initialWeights;
  final DoubleArrayArrayParam initialMeans;
  final DoubleArrayArrayParam initialCovariances;
  final Param<String> featuresCol;
  final StringArrayParam inputCols;
  final Param<String> weightCol;
  final Param<String> predictionCol;
  final Param<String> probabilityCol;
  final Param<String> backend;
  final Param<String> scale;
  final StringArrayParam log1pCols;
  final DoubleParam log1pSkewness;

  public SegmentaGaussianMixture() {
    this(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("segmenta-gmm"));
  }

  public SegmentaGaussianMixture(String uid) {
    this.uid = uid;
    k = new IntParam(this, "k", "number of independent Gaussians in the mixture model; must be > 1", ParamValidators.gt(1));
    maxIter = new IntParam(this, "maxIter", "maximum number of EM iterations per initialisation (>= 1)", ParamValidators.gtEq(1));
    tol = new DoubleParam(this, "tol", "stop when the mean log-likelihood changes by less than this (>= 0; 0 = run maxIter "
        + "iterations)", ParamValidators.gtEq(0));
    seed = new LongParam(this, "seed", "random seed of the K-Means initialisations");
    covarianceType = new Param<>(this, "covarianceType", "covariance shape: full, tied, diag or spherical",
        ParamValidators.inArray(List.of("full", "tied", "diag", "spherical")));
    regCovar = new DoubleParam(this, "regCovar", "added to the diagonal of every covariance (>= 0)", ParamValidators.gtEq(0));
    nInit = new IntParam(this, "nInit", "K-Means initialisations; the highest lower bound wins (>= 1)", ParamValidators.gtEq(1));
    aggregationDepth = new IntParam(this, "aggregationDepth", "suggested depth for treeAggregate (>= 2)", ParamValidators.gtEq(2));
    initialWeights = new DoubleArrayParam(this, "initialWeights", "k starting mixing weights; with initialMeans and "
        + "initialCovariances, replaces the K-Means initialisation");
    initialMeans = new DoubleArrayArrayParam(this, "initialMeans", "k starting means (d values each), in the input's units");
    initialCovariances = new DoubleArrayArrayParam(this, "initialCovariances", "k (or 1 for tied) starting covariance "
        + "matrices, each d x d row-major in d * d values");
    featuresCol = new Param<>(this, "featuresCol", "features column (a Vector)");
    inputCols = new StringArrayParam(this, "inputCols", "numeric feature columns, instead of featuresCol");
    weightCol = new Param<>(this, "weightCol", "sample weight column (non-negative); unset = unit weights");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    probabilityCol = new Param<>(this, "probabilityCol", "column for the components' posterior probabilities (a Vector)");
    backend = new Param<>(this, "backend", "compute backend in each executor: auto, cpu, scalar, cuda or opencl "
        + "(auto: a GPU where the executor has one, else the CPU)",
        ParamValidators.inArray(List.of("auto", "cpu", "scalar", "cuda", "opencl")));
    scale = new Param<>(this, "scale", "column scaling fitted before the mixture: none, standard or minmax",
        ParamValidators.inArray(List.of("none", "standard", "minmax")));
    log1pCols = new StringArrayParam(this, "log1pCols", "columns log1p-transformed before scaling");
    log1pSkewness = new DoubleParam(this, "log1pSkewness", "also log1p every column whose skewness exceeds this (NaN = off)");
    setDefault(k, 2);
    setDefault(maxIter, 100);
    setDefault(tol, 0.01);
    setDefault(seed, (long) SegmentaGaussianMixture.class.getName().hashCode());
    setDefault(covarianceType, "full");
    setDefault(regCovar, GmmParams.DEFAULT_REG_COVAR);
    setDefault(nInit, 1);
    setDefault(aggregationDepth, 2);
    setDefault(featuresCol, "features");
    setDefault(inputCols, new String[0]);
    setDefault(weightCol, "");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(backend, "auto");
    setDefault(scale, "none");
    setDefault(log1pCols, new String[0]);
    setDefault(log1pSkewness, Double.NaN);
  }

  @Override
  public String uid() {
    return uid;
  }

  public IntParam k() { return k; }
  public IntParam maxIter() { return maxIter; }
  public DoubleParam tol() { return tol; }
  public LongParam seed() { return seed; }
  public Param<String> covarianceType() { return covarianceType; }
  public DoubleParam regCovar() { return regCovar; }
  public IntParam nInit() { return nInit; }
  public IntParam aggregationDepth() { return aggregationDepth; }
  public DoubleArrayParam initialWeights() { return initialWeights; }
  public DoubleArrayArrayParam initialMeans() { return initialMeans; }
  public DoubleArrayArrayParam initialCovariances() { return initialCovariances; }
  public Param<String> featuresCol() { return featuresCol; }
  public StringArrayParam inputCols() { return inputCols; }
  public Param<String> weightCol() { return weightCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> probabilityCol() { return probabilityCol; }
  public Param<String> backend() { return backend; }
  public Param<String> scale() { return scale; }
  public StringArrayParam log1pCols() { return log1pCols; }
  public DoubleParam log1pSkewness() { return log1pSkewness; }

  public SegmentaGaussianMixture setK(int v) { set(k, v); return this; }
  public SegmentaGaussianMixture setMaxIter(int v) { set(maxIter, v); return this; }
  public SegmentaGaussianMixture setTol(double v) { set(tol, v); return this; }
  public SegmentaGaussianMixture setSeed(long v) { set(seed, v); return this; }
  public SegmentaGaussianMixture setCovarianceType(String v) { set(covarianceType, v); return this; }
  public SegmentaGaussianMixture setRegCovar(double v) { set(regCovar, v); return this; }
  public SegmentaGaussianMixture setNInit(int v) { set(nInit, v); return this; }
  public SegmentaGaussianMixture setAggregationDepth(int v) { set(aggregationDepth, v); return this; }
  public SegmentaGaussianMixture setFeaturesCol(String v) { set(featuresCol, v); return this; }
  public SegmentaGaussianMixture setInputCols(String... v) { set(inputCols, v); return this; }
  public SegmentaGaussianMixture setWeightCol(String v) { set(weightCol, v); return this; }
  public SegmentaGaussianMixture setPredictionCol(String v) { set(predictionCol, v); return this; }
  public SegmentaGaussianMixture setProbabilityCol(String v) { set(probabilityCol, v); return this; }
  public SegmentaGaussianMixture setBackend(String v) { set(backend, v); return this; }
  public SegmentaGaussianMixture setScale(String v) { set(scale, v); return this; }
  public SegmentaGaussianMixture setLog1pCols(String... v) { set(log1pCols, v); return this; }
  public SegmentaGaussianMixture setLog1pSkewness(double v) { set(log1pSkewness, v); return this; }

  /**
   * Starts EM from these Gaussians (input units; no scaling or log1p with them) instead of K-Means:
   * k weights, k means, and k full d x d covariance matrices (diagonal for diag, equal diagonal
   * for spherical; one, or k equal ones, for tied). {@code k} is set to their number.
   */
  public SegmentaGaussianMixture setInitialGaussians(double[] weights, double[][] means, double[][][] covariances) {
    new GmmInit(weights, means, covariances); // validates shapes and values now
    double[][] flat = new double[covariances.length][];
    for (int c = 0; c < covariances.length; c++) {
      int d = covariances[c].length;
      flat[c] = new double[d * d];
      for (int a = 0; a < d; a++) System.arraycopy(covariances[c][a], 0, flat[c], a * d, d);
    }
    set(initialWeights, weights.clone());
    set(initialMeans, means);
    set(initialCovariances, flat);
    set(k, weights.length);
    return this;
  }

  /** Starts from the Gaussians of a fitted model (this module's, fitted without scaling or log1p). */
  public SegmentaGaussianMixture setInitialModel(SegmentaGaussianMixtureModel m) {
    GmmModel g = m.engineModel();
    if (!g.scaling().isIdentity()) {
      throw new InvalidInputException("initial model: it was fitted with scaling or log1p; its Gaussians are not in the input's units");
    }
    return setInitialGaussians(g.weights(), g.means(), g.covariances());
  }

  /** Starts from the Gaussians of a fitted MLlib model (full covariances). */
  public SegmentaGaussianMixture setInitialModel(org.apache.spark.ml.clustering.GaussianMixtureModel m) {
    int kk = m.weights().length;
    double[][] means = new double[kk][];
    double[][][] cov = new double[kk][][];
    for (int c = 0; c < kk; c++) {
      var g = m.gaussians()[c];
      means[c] = g.mean().toArray();
      int d = means[c].length;
      cov[c] = new double[d][d];
      for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) cov[c][a][b] = g.cov().apply(a, b);
    }
    return setInitialGaussians(m.weights().clone(), means, cov);
  }

  public int getK() { return (Integer) getOrDefault(k); }
  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getTol() { return (Double) getOrDefault(tol); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public String getCovarianceType() { return getOrDefault(covarianceType); }
  public double getRegCovar() { return (Double) getOrDefault(regCovar); }
  public int getAggregationDepth() { return (Integer) getOrDefault(aggregationDepth); }
  public String getBackend() { return getOrDefault(backend); }

  /** Test hook: fail the first attempt of one partition's task in one EM pass (see {@link TaskFault}). */
  SegmentaGaussianMixture injectTaskFailure(int pass, int partition) {
    this.fault = new TaskFault(pass, partition);
    return this;
  }

  private boolean given(org.apache.spark.ml.param.Param<?> p) {
    return isDefined(p) && get(p).isDefined();
  }

  GmmInit init() {
    boolean w = given(initialWeights), m = given(initialMeans), c = given(initialCovariances);
    if (!w && !m && !c) return null;
    if (!(w && m && c)) throw new InvalidInputException("initialWeights, initialMeans and initialCovariances must be set together");
    double[][] means = getOrDefault(initialMeans);
    int d = means.length == 0 ? 0 : means[0].length;
    double[][] flat = getOrDefault(initialCovariances);
    double[][][] cov = new double[flat.length][d][d];
    for (int q = 0; q < flat.length; q++) {
      if (flat[q].length != d * d) {
        throw new InvalidInputException("initialCovariances: matrix " + (q + 1) + " has " + flat[q].length + " values, expected " + d * d);
      }
      for (int a = 0; a < d; a++) System.arraycopy(flat[q], a * d, cov[q][a], 0, d);
    }
    return new GmmInit(getOrDefault(initialWeights), means, cov);
  }

  SparkGmmFit.Options options() {
    String[] logCols = getOrDefault(log1pCols);
    double skew = (Double) getOrDefault(log1pSkewness);
    Log1p lg = logCols.length == 0 && Double.isNaN(skew) ? Log1p.NONE : new Log1p(List.of(logCols), skew);
    GmmParams p = GmmParams.builder(getK()).covariance(CovarianceType.parse(getCovarianceType())).regCovar(getRegCovar())
        .tol(getTol()).maxIter(getMaxIter()).nInit((Integer) getOrDefault(nInit)).init(init()).seed(getSeed())
        .scale(ScaleMethod.parse(getOrDefault(scale))).log1p(lg).build();
    return new SparkGmmFit.Options(p, getBackend(), getAggregationDepth(), fault);
  }

  Features features(Dataset<Row> df) {
    return Features.resolve(df, getOrDefault(featuresCol), getOrDefault(inputCols), getOrDefault(weightCol));
  }

  @Override
  @SuppressWarnings("unchecked")
  public SegmentaGaussianMixtureModel fit(Dataset<?> dataset) {
    Dataset<Row> df = (Dataset<Row>) dataset.toDF();
    transformSchema(df.schema());
    SparkGmmFit.Options o = options();
    SparkGmmFit.Result r = SparkGmmFit.fit(df, features(df), o);
    SegmentaGaussianMixtureModel m = new SegmentaGaussianMixtureModel(uid, r.model(), r);
    copyValues(m, extractParamMap());
    return (SegmentaGaussianMixtureModel) m.setParent(this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return SegmentaGaussianMixtureModel.outputSchema(schema, getOrDefault(featuresCol), getOrDefault(inputCols),
        getOrDefault(predictionCol), getOrDefault(probabilityCol));
  }

  @Override
  public SegmentaGaussianMixture copy(ParamMap extra) {
    SegmentaGaussianMixture c = (SegmentaGaussianMixture) defaultCopy(extra);
    c.fault = fault;
    return c;
  }

  public static MLReader<SegmentaGaussianMixture> read() {
    return new DefaultParamsReader<>();
  }

  public static SegmentaGaussianMixture load(String path) {
    return read().load(path);
  }
}
