package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleArrayArrayParam;
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
 * K-Means on Spark with the engine's compute backends inside every executor: an {@link Estimator}
 * with MLlib's parameter names and defaults ({@code k} = 2, {@code maxIter} = 20, {@code tol} =
 * 1e-4, {@code initMode} = "k-means||", {@code initSteps} = 2, {@code featuresCol} = "features",
 * {@code predictionCol} = "prediction"), plus the engine's: the backend, initial centroids (or an
 * initial model), the quality mode's swaps, column scaling and log1p.
 *
 * <p>Each Lloyd iteration is one pass over the partitions; see {@link SparkKMeansFit}. The tolerance
 * is the engine's (and scikit-learn's): stop when the summed squared centroid shift is at most
 * {@code tol} times the mean column variance, or when no label changed.
 *
 * <p>{@code batchSize} > 0 runs mini-batch K-Means instead (the engine's {@code MiniBatchKMeans},
 * scikit-learn's {@code MiniBatchKMeans}): each step, one Spark job, assigns {@code batchSize} rows
 * drawn uniformly with replacement by the driver from the seed, and the driver moves every centroid
 * to the running mean of the rows it has received; {@code maxSteps} caps the steps and {@code
 * maxNoImprovement} stops early. {@code maxIter} and {@code tol} are Lloyd's and unused there.
 */
public final class SegmentaKMeans extends Estimator<SegmentaKMeansModel> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private TaskFault fault;

  final IntParam k;
  final IntParam maxIter;
  final DoubleParam tol;
  final LongParam seed;
  final Param<String> initMode;
  final IntParam initSteps;
  final DoubleArrayArrayParam initialCentroids;
  final Param<String> featuresCol;
  final StringArrayParam inputCols;
  final Param<String> weightCol;
  final Param<String> predictionCol;
  final Param<String> distanceCol;
  final Param<String> backend;
  final IntParam swaps;
  final Param<String> scale;
  final StringArrayParam log1pCols;
  final DoubleParam log1pSkewness;
  final IntParam batchSize;
  final IntParam maxSteps;
  final IntParam maxNoImprovement;

  public SegmentaKMeans() {
    this(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("segmenta-kmeans"));
  }

  public SegmentaKMeans(String uid) {
    this.uid = uid;
    k = new IntParam(this, "k", "the number of clusters to create; must be > 1", ParamValidators.gt(1));
    maxIter = new IntParam(this, "maxIter", "maximum number of Lloyd iterations (>= 1)", ParamValidators.gtEq(1));
    tol = new DoubleParam(this, "tol", "stop when the summed squared centroid shift is at most tol times the mean column "
        + "variance (the engine's and scikit-learn's rule); >= 0", ParamValidators.gtEq(0));
    seed = new LongParam(this, "seed", "random seed");
    initMode = new Param<>(this, "initMode", "initialization algorithm: k-means||, k-means++ or random",
        ParamValidators.inArray(List.of("k-means||", "k-means++", "random")));
    initSteps = new IntParam(this, "initSteps", "number of k-means|| rounds (> 0)", ParamValidators.gt(0));
    initialCentroids = new DoubleArrayArrayParam(this, "initialCentroids",
        "k starting centroids in the input's units; when set, initMode is not used");
    featuresCol = new Param<>(this, "featuresCol", "features column (a Vector)");
    inputCols = new StringArrayParam(this, "inputCols", "numeric feature columns, instead of featuresCol");
    weightCol = new Param<>(this, "weightCol", "sample weight column (non-negative); unset = unit weights");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    distanceCol = new Param<>(this, "distanceCol", "column for the Euclidean distance to the assigned centroid "
        + "(in the scaled space); empty = none");
    backend = new Param<>(this, "backend", "compute backend in each executor: auto, cpu, scalar, cuda or opencl "
        + "(auto: a GPU where the executor has one, else the CPU)",
        ParamValidators.inArray(List.of("auto", "cpu", "scalar", "cuda", "opencl")));
    swaps = new IntParam(this, "swaps", "quality mode: random-swap trials after Lloyd (two passes each); 0 = off",
        ParamValidators.gtEq(0));
    scale = new Param<>(this, "scale", "column scaling fitted before clustering: none, standard or minmax",
        ParamValidators.inArray(List.of("none", "standard", "minmax")));
    log1pCols = new StringArrayParam(this, "log1pCols", "columns log1p-transformed before scaling");
    log1pSkewness = new DoubleParam(this, "log1pSkewness", "also log1p every column whose skewness exceeds this "
        + "(NaN = off)");
    batchSize = new IntParam(this, "batchSize", "mini-batch K-Means: rows per step, drawn uniformly with replacement; "
        + "0 = full-batch Lloyd (>= 0)", ParamValidators.gtEq(0));
    maxSteps = new IntParam(this, "maxSteps", "mini-batch K-Means: maximum number of steps (>= 1)", ParamValidators.gtEq(1));
    maxNoImprovement = new IntParam(this, "maxNoImprovement", "mini-batch K-Means: stop after this many steps without a "
        + "better smoothed batch inertia; 0 = never stop early (>= 0)", ParamValidators.gtEq(0));
    setDefault(k, 2);
    setDefault(maxIter, 20);
    setDefault(tol, 1e-4);
    setDefault(seed, (long) SegmentaKMeans.class.getName().hashCode());
    setDefault(initMode, "k-means||");
    setDefault(initSteps, 2);
    setDefault(featuresCol, "features");
    setDefault(inputCols, new String[0]);
    setDefault(weightCol, "");
    setDefault(predictionCol, "prediction");
    setDefault(distanceCol, "distance");
    setDefault(backend, "auto");
    setDefault(swaps, 0);
    setDefault(scale, "none");
    setDefault(log1pCols, new String[0]);
    setDefault(log1pSkewness, Double.NaN);
    // The engine's (and scikit-learn's) mini-batch defaults, off until batchSize is set.
    setDefault(batchSize, 0);
    setDefault(maxSteps, 10_000);
    setDefault(maxNoImprovement, 10);
  }

  @Override
  public String uid() {
    return uid;
  }

  public IntParam k() { return k; }
  public IntParam maxIter() { return maxIter; }
  public DoubleParam tol() { return tol; }
  public LongParam seed() { return seed; }
  public Param<String> initMode() { return initMode; }
  public IntParam initSteps() { return initSteps; }
  public DoubleArrayArrayParam initialCentroids() { return initialCentroids; }
  public Param<String> featuresCol() { return featuresCol; }
  public StringArrayParam inputCols() { return inputCols; }
  public Param<String> weightCol() { return weightCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> distanceCol() { return distanceCol; }
  public Param<String> backend() { return backend; }
  public IntParam swaps() { return swaps; }
  public Param<String> scale() { return scale; }
  public StringArrayParam log1pCols() { return log1pCols; }
  public DoubleParam log1pSkewness() { return log1pSkewness; }
  public IntParam batchSize() { return batchSize; }
  public IntParam maxSteps() { return maxSteps; }
  public IntParam maxNoImprovement() { return maxNoImprovement; }

  public SegmentaKMeans setK(int v) { set(k, v); return this; }
  public SegmentaKMeans setMaxIter(int v) { set(maxIter, v); return this; }
  public SegmentaKMeans setTol(double v) { set(tol, v); return this; }
  public SegmentaKMeans setSeed(long v) { set(seed, v); return this; }
  public SegmentaKMeans setInitMode(String v) { set(initMode, v); return this; }
  public SegmentaKMeans setInitSteps(int v) { set(initSteps, v); return this; }
  public SegmentaKMeans setFeaturesCol(String v) { set(featuresCol, v); return this; }
  public SegmentaKMeans setInputCols(String... v) { set(inputCols, v); return this; }
  public SegmentaKMeans setWeightCol(String v) { set(weightCol, v); return this; }
  public SegmentaKMeans setPredictionCol(String v) { set(predictionCol, v); return this; }
  public SegmentaKMeans setDistanceCol(String v) { set(distanceCol, v); return this; }
  public SegmentaKMeans setBackend(String v) { set(backend, v); return this; }
  public SegmentaKMeans setSwaps(int v) { set(swaps, v); return this; }
  public SegmentaKMeans setScale(String v) { set(scale, v); return this; }
  public SegmentaKMeans setLog1pCols(String... v) { set(log1pCols, v); return this; }
  public SegmentaKMeans setLog1pSkewness(double v) { set(log1pSkewness, v); return this; }
  public SegmentaKMeans setBatchSize(int v) { set(batchSize, v); return this; }
  public SegmentaKMeans setMaxSteps(int v) { set(maxSteps, v); return this; }
  public SegmentaKMeans setMaxNoImprovement(int v) { set(maxNoImprovement, v); return this; }

  /** Starts from these k centroids (input units); {@code k} is set to their number. */
  public SegmentaKMeans setInitialCentroids(double[][] v) {
    set(initialCentroids, v);
    set(k, v.length);
    return this;
  }

  /** Starts from the centroids of a fitted model (this module's). */
  public SegmentaKMeans setInitialModel(SegmentaKMeansModel m) {
    return setInitialCentroids(m.engineModel().centroidsInInputUnits());
  }

  /** Starts from the cluster centres of a fitted MLlib model. */
  public SegmentaKMeans setInitialModel(org.apache.spark.ml.clustering.KMeansModel m) {
    org.apache.spark.ml.linalg.Vector[] c = m.clusterCenters();
    double[][] v = new double[c.length][];
    for (int i = 0; i < c.length; i++) v[i] = c[i].toArray();
    return setInitialCentroids(v);
  }

  public int getK() { return (Integer) getOrDefault(k); }
  public int getMaxIter() { return (Integer) getOrDefault(maxIter); }
  public double getTol() { return (Double) getOrDefault(tol); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public String getInitMode() { return getOrDefault(initMode); }
  public String getBackend() { return getOrDefault(backend); }
  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  public int getMaxSteps() { return (Integer) getOrDefault(maxSteps); }
  public int getMaxNoImprovement() { return (Integer) getOrDefault(maxNoImprovement); }

  /** Test hook: fail the first attempt of one partition's task in one pass (see {@link TaskFault}). */
  SegmentaKMeans injectTaskFailure(int pass, int partition) {
    this.fault = new TaskFault(pass, partition);
    return this;
  }

  SparkKMeansFit.Options options() {
    double[][] init = isDefined(initialCentroids) && get(initialCentroids).isDefined() ? getOrDefault(initialCentroids) : null;
    if (init != null && init.length != getK()) {
      throw new InvalidInputException("initialCentroids: " + init.length + " centroids given for k = " + getK());
    }
    String[] logCols = getOrDefault(log1pCols);
    double skew = (Double) getOrDefault(log1pSkewness);
    Log1p lg = logCols.length == 0 && Double.isNaN(skew) ? Log1p.NONE : new Log1p(List.of(logCols), skew);
    int sw = (Integer) getOrDefault(swaps);
    if (getBatchSize() > 0 && sw > 0) {
      throw new InvalidInputException("swaps: the quality mode's swaps polish full-batch Lloyd; with batchSize = " + getBatchSize()
          + " (mini-batch) swaps must be 0, got " + sw);
    }
    return new SparkKMeansFit.Options(getK(), getMaxIter(), getTol(), getSeed(), getInitMode(), (Integer) getOrDefault(initSteps),
        init, getBackend(), sw, ScaleMethod.parse(getOrDefault(scale)), lg, fault,
        new SparkKMeansFit.MiniBatch(getBatchSize(), getMaxSteps(), getMaxNoImprovement()));
  }

  Features features(Dataset<Row> df) {
    return Features.resolve(df, getOrDefault(featuresCol), getOrDefault(inputCols), getOrDefault(weightCol));
  }

  @Override
  @SuppressWarnings("unchecked")
  public SegmentaKMeansModel fit(Dataset<?> dataset) {
    Dataset<Row> df = (Dataset<Row>) dataset.toDF();
    transformSchema(df.schema());
    SparkKMeansFit.Result r = SparkKMeansFit.fit(df, features(df), options());
    SegmentaKMeansModel m = new SegmentaKMeansModel(uid, r.model(), r);
    copyValues(m, extractParamMap());
    return (SegmentaKMeansModel) m.setParent(this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return SegmentaKMeansModel.outputSchema(schema, getOrDefault(featuresCol), getOrDefault(inputCols),
        getOrDefault(predictionCol), getOrDefault(distanceCol));
  }

  @Override
  public SegmentaKMeans copy(ParamMap extra) {
    SegmentaKMeans c = (SegmentaKMeans) defaultCopy(extra);
    c.fault = fault;
    return c;
  }

  public static MLReader<SegmentaKMeans> read() {
    return new DefaultParamsReader<>();
  }

  public static SegmentaKMeans load(String path) {
    return read().load(path);
  }
}
