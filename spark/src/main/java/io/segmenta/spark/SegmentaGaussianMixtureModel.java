package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.mixture.CovarianceType;
import io.segmenta.mixture.GaussianMixture;
import io.segmenta.mixture.GmmModel;
import io.segmenta.model.ModelFile;
import io.segmenta.preprocess.FeatureScaling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.stat.distribution.MultivariateGaussian;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link SegmentaGaussianMixture}: the engine's {@link GmmModel} (weights, means and
 * covariances in the scaled space, the scaling, the lower bound), {@code transform} adding the
 * most probable component and the posterior probabilities (the backend's log densities, batch by
 * batch), Spark ML persistence ({@link #write()}, {@link #load}) and the engine's model file
 * ({@link #exportModelFile}, {@link #importModelFile}), which {@code segment predict} and {@code
 * Segmenta.loadGmmModel} read.
 */
public final class SegmentaGaussianMixtureModel extends Model<SegmentaGaussianMixtureModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 4096;
  private final String uid;
  private final GmmModel model;
  private final transient SparkGmmFit.Result summary;

  final Param<String> featuresCol;
  final StringArrayParam inputCols;
  final Param<String> predictionCol;
  final Param<String> probabilityCol;
  final Param<String> backend;

  SegmentaGaussianMixtureModel(String uid, GmmModel model, SparkGmmFit.Result summary) {
    this.uid = uid;
    this.model = model;
    this.summary = summary;
    featuresCol = new Param<>(this, "featuresCol", "features column (a Vector)");
    inputCols = new StringArrayParam(this, "inputCols", "numeric feature columns, instead of featuresCol");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    probabilityCol = new Param<>(this, "probabilityCol", "column for the components' posterior probabilities (a Vector)");
    backend = new Param<>(this, "backend", "compute backend in each executor: auto, cpu, scalar, cuda or opencl");
    setDefault(featuresCol, "features");
    setDefault(inputCols, model.columns().toArray(new String[0]));
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(backend, "auto");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() { return featuresCol; }
  public StringArrayParam inputCols() { return inputCols; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> probabilityCol() { return probabilityCol; }
  public Param<String> backend() { return backend; }

  public SegmentaGaussianMixtureModel setFeaturesCol(String v) { set(featuresCol, v); set(inputCols, new String[0]); return this; }
  public SegmentaGaussianMixtureModel setInputCols(String... v) { set(inputCols, v); return this; }
  public SegmentaGaussianMixtureModel setPredictionCol(String v) { set(predictionCol, v); return this; }
  public SegmentaGaussianMixtureModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }
  public SegmentaGaussianMixtureModel setBackend(String v) { set(backend, v); return this; }

  /** The engine's model (parameters in the scaled space, the scaling, lower bound, log-likelihood). */
  public GmmModel engineModel() {
    return model;
  }

  /** The mixing weights, as MLlib's {@code weights}. */
  public double[] weights() {
    return model.weights();
  }

  /** The components (in the scaled space: the input's units when no scaling or log1p was fitted), as MLlib's {@code gaussians}. */
  public MultivariateGaussian[] gaussians() {
    double[][] m = model.means();
    double[][][] cv = model.covariances();
    int d = model.d();
    MultivariateGaussian[] out = new MultivariateGaussian[model.k()];
    for (int c = 0; c < out.length; c++) {
      double[] colMajor = new double[d * d];
      for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) colMajor[b * d + a] = cv[c][a][b];
      out[c] = new MultivariateGaussian(Vectors.dense(m[c]), new DenseMatrix(d, d, colMajor));
    }
    return out;
  }

  /** The covariance shape. */
  public CovarianceType covarianceType() {
    return model.covarianceType();
  }

  /** Mean log-likelihood per row at the last EM iteration (the engine's and scikit-learn's lower bound). */
  public double lowerBound() {
    return model.lowerBound();
  }

  /** Total (weighted) log-likelihood of the training data under this model, as MLlib's summary {@code logLikelihood}. */
  public double logLikelihood() {
    return model.logLikelihood();
  }

  /** EM iterations of the returned initialisation. */
  public int numIter() {
    return model.iterations();
  }

  /** The fit's partitions, rows, timings and lower bounds per iteration; absent on a loaded model. */
  public boolean hasSummary() {
    return summary != null;
  }

  SparkGmmFit.Result summary() {
    if (summary == null) throw new NoSuchElementException("a loaded model has no training summary");
    return summary;
  }

  /** Writes the engine's model file, which {@code segment predict} and {@code Segmenta.loadGmmModel} read. */
  public void exportModelFile(Path file) {
    ModelFile.save(model, file);
  }

  /** A model from an engine Gaussian-mixture model file (trained by the engine or exported here). */
  public static SegmentaGaussianMixtureModel importModelFile(Path file) {
    GmmModel m = ModelFile.loadGmm(file);
    return new SegmentaGaussianMixtureModel(org.apache.spark.ml.util.Identifiable$.MODULE$.randomUID("segmenta-gmm"), m, null);
  }

  static StructType outputSchema(StructType schema, String featuresCol, String[] inputCols, String predictionCol, String probabilityCol) {
    StructType out = SegmentaKMeansModel.outputSchema(schema, featuresCol, inputCols, predictionCol, "");
    if (probabilityCol != null && !probabilityCol.isEmpty()) {
      if (List.of(schema.fieldNames()).contains(probabilityCol)) {
        throw new InvalidInputException("probabilityCol: the input already has a column '" + probabilityCol + "'");
      }
      out = out.add(new StructField(probabilityCol, new VectorUDT(), false, Metadata.empty()));
    }
    return out;
  }

  private String[] effectiveInputCols() {
    String[] c = getOrDefault(inputCols);
    return isSet(inputCols) || !isSet(featuresCol) ? c : new String[0];
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return outputSchema(schema, getOrDefault(featuresCol), effectiveInputCols(), getOrDefault(predictionCol), getOrDefault(probabilityCol));
  }

  /**
   * Adds the most probable component (ties to the lower index, as the engine's labels) and, unless
   * {@code probabilityCol} is empty, the posterior probabilities of the k components.
   */
  @Override
  @SuppressWarnings("unchecked")
  public org.apache.spark.sql.Dataset<Row> transform(org.apache.spark.sql.Dataset<?> dataset) {
    org.apache.spark.sql.Dataset<Row> df = (org.apache.spark.sql.Dataset<Row>) dataset.toDF();
    StructType out = transformSchema(df.schema());
    String[] cols = effectiveInputCols();
    int d = model.d();
    int[] idx;
    boolean vector = cols.length == 0;
    if (vector) idx = new int[] {df.schema().fieldIndex(getOrDefault(featuresCol))};
    else {
      if (cols.length != d) throw new InvalidInputException("inputCols: " + cols.length + " columns for a model of " + d);
      idx = new int[d];
      for (int j = 0; j < d; j++) {
        idx[j] = df.schema().fieldIndex(cols[j]);
        if (!(df.schema().fields()[idx[j]].dataType() instanceof NumericType)) throw new InvalidInputException("inputCols: column '" + cols[j] + "' is not numeric");
      }
    }
    Params p = new Params(d, model.k(), vector, idx, vector ? null : cols, getOrDefault(featuresCol),
        !getOrDefault(probabilityCol).isEmpty(), getOrDefault(backend), model.scaling().isIdentity(), model.scaling().log1p(),
        model.scaling().offset(), model.scaling().scale(), model.covarianceType(), model.weights(), model.means(),
        model.covariances(), model.regCovar());
    return df.mapPartitions(labeller(p), Encoders.row(out));
  }

  /** What a transform task carries (plain values, no model object). */
  private record Params(int d, int k, boolean vector, int[] idx, String[] labels, String vname, boolean withProbability,
                        String backend, boolean identity, boolean[] log1p, double[] offset, double[] scale, CovarianceType type,
                        double[] weights, double[][] means, double[][][] covariances, double reg) implements java.io.Serializable {
    GmmModel model() {
      List<String> names = new ArrayList<>();
      for (int j = 0; j < d; j++) names.add("c" + j);
      return new GmmModel(names, type, weights, means, covariances, reg, FeatureScaling.identity(d), 0, 0, 1, 0, false);
    }
  }

  private static org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> labeller(Params p) {
    return it -> new Iterator<Row>() {
      final int d = p.d();
      final int k = p.k();
      final GmmModel local = p.model();
      final List<Row> batch = new ArrayList<>(BATCH);
      final float[] x = new float[BATCH * d];
      final int[] lab = new int[BATCH];
      final double[] prob = new double[BATCH * k];
      int pos;

      @Override
      public boolean hasNext() {
        if (pos < batch.size()) return true;
        if (!it.hasNext()) return false;
        batch.clear();
        pos = 0;
        while (batch.size() < BATCH && it.hasNext()) {
          Row r = it.next();
          readScaled(p, r, x, batch.size() * d);
          batch.add(r);
        }
        int n = batch.size();
        ComputeBackend b = ExecutorBackends.get(p.backend());
        Dataset ds = Dataset.of(HostMatrix.ofRowMajor(n == BATCH ? x : java.util.Arrays.copyOf(x, n * d), n, d), local.columns(), null, null);
        GaussianMixture.posterior(b, local, ds, (from, count, logResp, ll) -> {
          for (int i = 0; i < count; i++) {
            int arg = 0;
            for (int c = 0; c < k; c++) {
              prob[(from + i) * k + c] = Math.exp(logResp[i * k + c]);
              if (logResp[i * k + c] > logResp[i * k + arg]) arg = c;
            }
            lab[from + i] = arg;
          }
        });
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        Row r = batch.get(pos);
        int w = r.length();
        Object[] v = new Object[w + (p.withProbability() ? 2 : 1)];
        for (int i = 0; i < w; i++) v[i] = r.get(i);
        v[w] = lab[pos];
        if (p.withProbability()) v[w + 1] = Vectors.dense(java.util.Arrays.copyOfRange(prob, pos * k, pos * k + k));
        pos++;
        return RowFactory.create(v);
      }
    };
  }

  /** One row's features, checked and mapped through the model's scaling, as float32 into {@code x[off..]}. */
  private static void readScaled(Params p, Row r, float[] x, int off) {
    int d = p.d();
    for (int j = 0; j < d; j++) {
      double v;
      String where = p.vector() ? "featuresCol '" + p.vname() + "' element " + j : "column '" + p.labels()[j] + "'";
      if (p.vector()) {
        if (r.isNullAt(p.idx()[0])) throw new InvalidInputException(where + ": null; features must not be null");
        Vector vec = (Vector) r.get(p.idx()[0]);
        if (vec.size() != d) throw new InvalidInputException("featuresCol '" + p.vname() + "': a vector has " + vec.size() + " elements, the model has " + d);
        v = vec.apply(j);
      } else {
        if (r.isNullAt(p.idx()[j])) throw new InvalidInputException(where + ": null; features must not be null");
        v = ((Number) r.get(p.idx()[j])).doubleValue();
      }
      float f = (float) v;
      if (!Float.isFinite(f)) throw new InvalidInputException(where + ": value " + v + "; features must be finite float32 values");
      double s = f;
      if (!p.identity()) {
        if (p.log1p()[j]) {
          if (!(s > -1)) throw new InvalidInputException(where + ": value " + v + " cannot take log1p (the model log-transforms it; values must exceed -1)");
          s = Math.log1p(s);
        }
        f = (float) ((s - p.offset()[j]) / p.scale()[j]);
      }
      x[off + j] = f;
    }
  }

  @Override
  public SegmentaGaussianMixtureModel copy(ParamMap extra) {
    SegmentaGaussianMixtureModel c = new SegmentaGaussianMixtureModel(uid, model, summary);
    return (SegmentaGaussianMixtureModel) copyValues(c, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    // Spark ML metadata (the params) in path/metadata, the engine's model file in path/data/model.segm.
    return SparkModelFiles.writer(this, file -> ModelFile.save(model, file));
  }

  public static MLReader<SegmentaGaussianMixtureModel> read() {
    return SparkModelFiles.reader(SegmentaGaussianMixtureModel.class, ModelFile::loadGmm, (uid, m) -> new SegmentaGaussianMixtureModel(uid, m, null));
  }

  public static SegmentaGaussianMixtureModel load(String path) {
    return read().load(path);
  }
}
