package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.model.ModelFile;
import io.segmenta.preprocess.FeatureScaling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link SegmentaKMeans}: the engine's {@link KMeansModel} (centroids in the scaled space,
 * the scaling, the inertia), {@code transform} adding the prediction and the distance, Spark ML
 * persistence ({@link #write()}, {@link #load}) and the engine's model file ({@link
 * #exportModelFile}, {@link #importModelFile}), so that {@code segment predict} and the facade
 * serve a model trained on Spark.
 */
public final class SegmentaKMeansModel extends Model<SegmentaKMeansModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 4096;
  private final String uid;
  private final KMeansModel model;
  private final transient SparkKMeansFit.Result summary;

  final Param<String> featuresCol;
  final StringArrayParam inputCols;
  final Param<String> predictionCol;
  final Param<String> distanceCol;
  final Param<String> backend;
  /** The training's mini-batch params (0 = Lloyd), kept with the model as MLlib models keep their estimator's. */
  final org.apache.spark.ml.param.IntParam batchSize;
  final org.apache.spark.ml.param.IntParam maxSteps;
  final org.apache.spark.ml.param.IntParam maxNoImprovement;

  SegmentaKMeansModel(String uid, KMeansModel model, SparkKMeansFit.Result summary) {
    this.uid = uid;
    this.model = model;
    this.summary = summary;
    featuresCol = new Param<>(this, "featuresCol", "features column (a Vector)");
    inputCols = new StringArrayParam(this, "inputCols", "numeric feature columns, instead of featuresCol");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    distanceCol = new Param<>(this, "distanceCol", "column for the Euclidean distance to the assigned centroid; empty = none");
    backend = new Param<>(this, "backend", "compute backend in each executor: auto, cpu, scalar, cuda or opencl");
    batchSize = new org.apache.spark.ml.param.IntParam(this, "batchSize", "mini-batch K-Means: rows per step; 0 = full-batch Lloyd");
    maxSteps = new org.apache.spark.ml.param.IntParam(this, "maxSteps", "mini-batch K-Means: maximum number of steps");
    maxNoImprovement = new org.apache.spark.ml.param.IntParam(this, "maxNoImprovement",
        "mini-batch K-Means: steps without a better smoothed batch inertia before stopping; 0 = never");
    setDefault(batchSize, 0);
    setDefault(maxSteps, 10_000);
    setDefault(maxNoImprovement, 10);
    setDefault(featuresCol, "features");
    setDefault(inputCols, model.columns().toArray(new String[0]));
    setDefault(predictionCol, "prediction");
    setDefault(distanceCol, "distance");
    setDefault(backend, "auto");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() { return featuresCol; }
  public StringArrayParam inputCols() { return inputCols; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> distanceCol() { return distanceCol; }
  public Param<String> backend() { return backend; }
  public org.apache.spark.ml.param.IntParam batchSize() { return batchSize; }
  public org.apache.spark.ml.param.IntParam maxSteps() { return maxSteps; }
  public org.apache.spark.ml.param.IntParam maxNoImprovement() { return maxNoImprovement; }

  public SegmentaKMeansModel setFeaturesCol(String v) { set(featuresCol, v); set(inputCols, new String[0]); return this; }
  public SegmentaKMeansModel setInputCols(String... v) { set(inputCols, v); return this; }
  public SegmentaKMeansModel setPredictionCol(String v) { set(predictionCol, v); return this; }
  public SegmentaKMeansModel setDistanceCol(String v) { set(distanceCol, v); return this; }
  public SegmentaKMeansModel setBackend(String v) { set(backend, v); return this; }

  /** The engine's model (centroids in the scaled space, the scaling, inertia, iterations). */
  public KMeansModel engineModel() {
    return model;
  }

  /** The cluster centres in the input's units (the scaling undone), as MLlib's {@code clusterCenters}. */
  public Vector[] clusterCenters() {
    double[][] c = model.centroidsInInputUnits();
    Vector[] out = new Vector[c.length];
    for (int i = 0; i < c.length; i++) out[i] = Vectors.dense(c[i]);
    return out;
  }

  /** The training inertia (sum of weighted squared distances in the scaled space), as MLlib's {@code trainingCost}. */
  public double trainingCost() {
    return model.inertia();
  }

  /** Lloyd iterations of the fit (mini-batch steps when {@code batchSize} > 0). */
  public int numIter() {
    return model.iterations();
  }

  /** The fit's partitions, rows and timings; absent on a loaded model. */
  public boolean hasSummary() {
    return summary != null;
  }

  /**
   * Executor id to the compute backend its tasks stepped on (e.g. {@code cpu-vector}, or
   * {@code cpu-scalar} where an executor JVM lacks {@code --add-modules jdk.incubator.vector}); the
   * driver's id in local mode. Absent on a loaded model.
   */
  public java.util.SortedMap<String, String> executorBackends() {
    return summary().executorBackends();
  }

  /** Seconds of each Lloyd iteration of the fit (one Spark job each), in order. Absent on a loaded model. */
  public List<Double> iterationSeconds() {
    return summary().iterationSeconds();
  }

  /** Partitions the fit ran over. Absent on a loaded model. */
  public int numPartitions() {
    return summary().partitions();
  }

  SparkKMeansFit.Result summary() {
    if (summary == null) throw new NoSuchElementException("a loaded model has no training summary");
    return summary;
  }

  /** Writes the engine's model file, which {@code segment predict} and {@code Segmenta.loadModel} read. */
  public void exportModelFile(Path file) {
    ModelFile.save(model, file);
  }

  /** A model from an engine model file (trained by the engine or exported here). */
  public static SegmentaKMeansModel importModelFile(Path file) {
    KMeansModel m = ModelFile.load(file);
    SegmentaKMeansModel out = new SegmentaKMeansModel(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("segmenta-kmeans"), m, null);
    return out;
  }

  static StructType outputSchema(StructType schema, String featuresCol, String[] inputCols, String predictionCol, String distanceCol) {
    List<String> names = List.of(schema.fieldNames());
    if (inputCols != null && inputCols.length > 0) {
      for (String c : inputCols) {
        if (!names.contains(c)) throw new InvalidInputException("inputCols: column '" + c + "' is not in the input (columns: " + String.join(", ", names) + ")");
        if (!(schema.apply(c).dataType() instanceof NumericType)) {
          throw new InvalidInputException("inputCols: column '" + c + "' has type " + schema.apply(c).dataType().simpleString()
              + "; feature columns must be numeric");
        }
      }
    } else {
      if (!names.contains(featuresCol)) throw new InvalidInputException("featuresCol: column '" + featuresCol + "' is not in the input (columns: " + String.join(", ", names) + ")");
      if (!(schema.apply(featuresCol).dataType() instanceof VectorUDT)) {
        throw new InvalidInputException("featuresCol: column '" + featuresCol + "' has type "
            + schema.apply(featuresCol).dataType().simpleString() + "; it must be a Vector column, or set inputCols");
      }
    }
    if (names.contains(predictionCol)) throw new InvalidInputException("predictionCol: the input already has a column '" + predictionCol + "'");
    StructType out = schema.add(new StructField(predictionCol, DataTypes.IntegerType, false, org.apache.spark.sql.types.Metadata.empty()));
    if (distanceCol != null && !distanceCol.isEmpty()) {
      if (names.contains(distanceCol)) throw new InvalidInputException("distanceCol: the input already has a column '" + distanceCol + "'");
      out = out.add(new StructField(distanceCol, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }

  private String[] effectiveInputCols() {
    String[] c = getOrDefault(inputCols);
    return isSet(inputCols) || !isSet(featuresCol) ? c : new String[0];
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return outputSchema(schema, getOrDefault(featuresCol), effectiveInputCols(), getOrDefault(predictionCol), getOrDefault(distanceCol));
  }

  /**
   * Adds the nearest centroid (the backend's step, batch by batch; ties to the lower index) and the
   * Euclidean distance to it in the scaled space (computed in float64 from the float32 row).
   */
  @Override
  @SuppressWarnings("unchecked")
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> df = (Dataset<Row>) dataset.toDF();
    StructType out = transformSchema(df.schema());
    String[] cols = effectiveInputCols();
    int d = model.d();
    int[] idx;
    boolean vector = cols.length == 0;
    if (vector) idx = new int[] {df.schema().fieldIndex(getOrDefault(featuresCol))};
    else {
      if (cols.length != d) throw new InvalidInputException("inputCols: " + cols.length + " columns for a model of " + d);
      idx = new int[d];
      for (int j = 0; j < d; j++) idx[j] = df.schema().fieldIndex(cols[j]);
    }
    String[] labels = vector ? null : cols;
    String vname = getOrDefault(featuresCol);
    boolean withDistance = !getOrDefault(distanceCol).isEmpty();
    String be = getOrDefault(backend);
    FeatureScaling scaling = model.scaling();
    boolean[] lg = scaling.log1p();
    double[] off = scaling.offset();
    double[] sc = scaling.scale();
    boolean identity = scaling.isIdentity();
    double[] centres = model.centroidsFlat();
    int k = model.k();
    return df.mapPartitions(labeller(d, k, vector, idx, labels, vname, withDistance, be, identity, lg, off, sc, centres), Encoders.row(out));
  }

  /** The partition function of {@link #transform}: static, so the task carries only these values. */
  private static org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> labeller(int d, int k, boolean vector, int[] idx,
      String[] labels, String vname, boolean withDistance, String be, boolean identity, boolean[] lg, double[] off, double[] sc,
      double[] centres) {
    return it -> new Iterator<Row>() {
      final List<Row> batch = new ArrayList<>(BATCH);
      final float[] x = new float[BATCH * d];
      final int[] lab = new int[BATCH];
      final float[] dist = new float[BATCH];
      int pos;

      @Override
      public boolean hasNext() {
        if (pos < batch.size()) return true;
        if (!it.hasNext()) return false;
        batch.clear();
        pos = 0;
        while (batch.size() < BATCH && it.hasNext()) {
          Row r = it.next();
          int i = batch.size();
          for (int j = 0; j < d; j++) {
            double v;
            String where = vector ? "featuresCol '" + vname + "' element " + j : "column '" + labels[j] + "'";
            if (vector) {
              if (r.isNullAt(idx[0])) throw new InvalidInputException(where + ": null; features must not be null");
              Vector vec = (Vector) r.get(idx[0]);
              if (vec.size() != d) throw new InvalidInputException("featuresCol '" + vname + "': a vector has " + vec.size() + " elements, the model has " + d);
              v = vec.apply(j);
            } else {
              if (r.isNullAt(idx[j])) throw new InvalidInputException(where + ": null; features must not be null");
              v = ((Number) r.get(idx[j])).doubleValue();
            }
            float f = (float) v;
            if (!Float.isFinite(f)) throw new InvalidInputException(where + ": value " + v + "; features must be finite float32 values");
            double s = f;
            if (!identity) {
              if (lg[j]) {
                if (!(s > -1)) throw new InvalidInputException(where + ": value " + v + " cannot take log1p (the model log-transforms it; values must exceed -1)");
                s = Math.log1p(s);
              }
              f = (float) ((s - off[j]) / sc[j]);
            }
            x[i * d + j] = f;
          }
          batch.add(r);
        }
        int n = batch.size();
        ComputeBackend b = ExecutorBackends.get(be);
        try (DeviceMatrix dm = b.upload(HostMatrix.ofRowMajor(n == BATCH ? x : java.util.Arrays.copyOf(x, n * d), n, d), null);
             Assignments a = b.newAssignments(n)) {
          b.kmeansStep(dm, centres, k, a, new KMeansStepResult(k, d));
          a.copyLabels(0, lab, 0, n);
          a.copyDistances(0, dist, 0, n);
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        Row r = batch.get(pos);
        int w = r.length();
        Object[] v = new Object[w + (withDistance ? 2 : 1)];
        for (int i = 0; i < w; i++) v[i] = r.get(i);
        v[w] = lab[pos];
        if (withDistance) {
          // Exact in float64 from the (scaled) row: the step's float32 distance can cancel.
          double s = 0;
          int c = lab[pos];
          for (int j = 0; j < d; j++) {
            double e = x[pos * d + j] - centres[c * d + j];
            s += e * e;
          }
          v[w + 1] = Math.sqrt(s);
        }
        pos++;
        return RowFactory.create(v);
      }
    };
  }

  @Override
  public SegmentaKMeansModel copy(ParamMap extra) {
    SegmentaKMeansModel c = new SegmentaKMeansModel(uid, model, summary);
    return (SegmentaKMeansModel) copyValues(c, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    // Spark ML metadata (the params) in path/metadata, the engine's model file in path/data/model.segm.
    return SparkModelFiles.writer(this, file -> ModelFile.save(model, file));
  }

  public static MLReader<SegmentaKMeansModel> read() {
    return SparkModelFiles.reader(SegmentaKMeansModel.class, ModelFile::load, (uid, m) -> new SegmentaKMeansModel(uid, m, null));
  }

  public static SegmentaKMeansModel load(String path) {
    return read().load(path);
  }
}
