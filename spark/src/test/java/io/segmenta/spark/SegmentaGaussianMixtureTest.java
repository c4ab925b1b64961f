package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.mixture.CovarianceType;
import io.segmenta.mixture.GaussianMixture;
import io.segmenta.mixture.GmmModel;
import io.segmenta.mixture.GmmParams;
import io.segmenta.mixture.GmmResult;
import io.segmenta.model.ModelFile;
import io.segmenta.run.RunControl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Gaussian mixture on Spark against the single-machine engine (the same K-Means start from the
 * same seed, the same EM), and against MLlib's EM from the same initial Gaussians; transform,
 * persistence, the engine's model file, bad input and a retried task.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SegmentaGaussianMixtureTest {
  static final int N = 3000;
  static final int D = 3;
  static final int K = 3;
  static final long SEED = 42;
  static final int ITER = 20;
  static final int ML_ITER = 10;
  static float[] x;
  static final Map<CovarianceType, GmmResult> engine = new EnumMap<>(CovarianceType.class);
  /** The 4-partition fits of the first test, reused by the later ones (each fit is ~50 Spark jobs). */
  static final Map<CovarianceType, SegmentaGaussianMixtureModel> fitted = new EnumMap<>(CovarianceType.class);

  @TempDir Path tmp;

  @BeforeAll
  static void data() {
    x = SharedSpark.blobs(N, D, K, 6, 11);
    try (ComputeBackend b = Backends.open(BackendChoice.CPU, BackendOptions.DEFAULTS)) {
      for (CovarianceType t : CovarianceType.values()) {
        engine.put(t, GaussianMixture.fit(b, Dataset.of(HostMatrix.ofRowMajor(x, N, D), null, null, null),
            GmmParams.builder(K).covariance(t).maxIter(ITER).tol(0).seed(SEED).build(), RunControl.none()));
      }
    }
  }

  static SegmentaGaussianMixture estimator(CovarianceType t) {
    return new SegmentaGaussianMixture().setK(K).setCovarianceType(t.label()).setMaxIter(ITER).setTol(0).setSeed(SEED).setBackend("cpu");
  }

  static double relative(double[][] a, double[][] b) {
    double diff = 0;
    double scale = 0;
    for (int c = 0; c < a.length; c++) {
      for (int j = 0; j < a[c].length; j++) {
        diff = Math.max(diff, Math.abs(a[c][j] - b[c][j]));
        scale = Math.max(scale, Math.abs(b[c][j]));
      }
    }
    return diff / scale;
  }

  static SegmentaGaussianMixtureModel fitted(CovarianceType t) {
    return fitted.computeIfAbsent(t, c -> estimator(c).fit(SharedSpark.vectorFrame(x, N, D, 4)));
  }

  @Order(1)
  @ParameterizedTest
  @CsvSource({"full,4", "full,8", "tied,4", "tied,8", "diag,4", "diag,8", "spherical,4", "spherical,8"})
  void sameLowerBoundAsTheEngineAfter20Iterations(String type, int partitions) {
    CovarianceType t = CovarianceType.parse(type);
    SegmentaGaussianMixtureModel m = partitions == 4 ? fitted(t) : estimator(t).fit(SharedSpark.vectorFrame(x, N, D, partitions));
    GmmModel e = engine.get(t).model();
    assertEquals(partitions, m.summary().partitions());
    assertEquals(ITER, m.numIter());
    assertEquals(e.iterations(), m.numIter(), "iterations");
    double rl = Math.abs(m.lowerBound() - e.lowerBound()) / Math.abs(e.lowerBound());
    double rm = relative(m.engineModel().means(), e.means());
    double rw = relative(new double[][] {m.weights()}, new double[][] {e.weights()});
    double rll = Math.abs(m.logLikelihood() - e.logLikelihood()) / Math.abs(e.logLikelihood());
    System.out.printf("GMM %s, %d partitions: lower bound %.17g vs engine %.17g (rel %.3g), means rel %.3g, weights rel %.3g,"
        + " final log-likelihood rel %.3g%n", type, partitions, m.lowerBound(), e.lowerBound(), rl, rm, rw, rll);
    assertTrue(rl <= 1e-9, "lower bound differs from the engine's by " + rl);
    assertTrue(rm <= 1e-9, "means differ from the engine's by " + rm);
    assertTrue(rll <= 1e-9, "log-likelihood differs from the engine's by " + rll);
  }

  /** MLlib's (RDD API) EM from the same initial Gaussians, full covariances, no regularisation. */
  @Order(2)
  @Test
  void sameParametersAsMllibFromTheSameInitialGaussians() {
    double[] w = {0.3, 0.3, 0.4};
    double[][] means = new double[K][D];
    double[][][] cov = new double[K][D][D];
    for (int c = 0; c < K; c++) {
      for (int j = 0; j < D; j++) {
        means[c][j] = x[(c * 997) * D + j];
        cov[c][j][j] = 4;
      }
    }
    SegmentaGaussianMixtureModel m = new SegmentaGaussianMixture().setInitialGaussians(w, means, cov).setRegCovar(0)
        .setMaxIter(ML_ITER).setTol(0).setBackend("cpu").fit(SharedSpark.vectorFrame(x, N, D, 4));
    List<org.apache.spark.mllib.linalg.Vector> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      double[] v = new double[D];
      for (int j = 0; j < D; j++) v[j] = x[i * D + j];
      rows.add(org.apache.spark.mllib.linalg.Vectors.dense(v));
    }
    JavaRDD<org.apache.spark.mllib.linalg.Vector> rdd = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext())
        .parallelize(rows, 4).cache();
    org.apache.spark.mllib.stat.distribution.MultivariateGaussian[] g = new org.apache.spark.mllib.stat.distribution.MultivariateGaussian[K];
    for (int c = 0; c < K; c++) {
      double[] cm = new double[D * D];
      for (int a = 0; a < D; a++) cm[a * D + a] = 4;
      g[c] = new org.apache.spark.mllib.stat.distribution.MultivariateGaussian(org.apache.spark.mllib.linalg.Vectors.dense(means[c]),
          org.apache.spark.mllib.linalg.Matrices.dense(D, D, cm));
    }
    org.apache.spark.mllib.clustering.GaussianMixtureModel ml = new org.apache.spark.mllib.clustering.GaussianMixture().setK(K)
        .setMaxIterations(ML_ITER).setConvergenceTol(0).setInitialModel(new org.apache.spark.mllib.clustering.GaussianMixtureModel(w, g))
        .run(rdd.rdd());
    rdd.unpersist(false);
    double[][] mm = new double[K][];
    for (int c = 0; c < K; c++) mm[c] = ml.gaussians()[c].mu().toArray();
    double rm = relative(m.engineModel().means(), mm);
    double rw = relative(new double[][] {m.weights()}, new double[][] {ml.weights()});
    // MLlib's log-likelihood of its final model (it reports none), against this model's final pass.
    double ll = 0;
    for (int i = 0; i < N; i++) {
      double s = 0;
      for (int c = 0; c < K; c++) s += ml.weights()[c] * ml.gaussians()[c].pdf(rows.get(i));
      ll += Math.log(s);
    }
    double rll = Math.abs(m.logLikelihood() - ll) / Math.abs(ll);
    System.out.printf("GMM vs MLlib (same initial Gaussians, 10 iterations): means rel %.3g, weights rel %.3g, log-likelihood rel %.3g%n",
        rm, rw, rll);
    assertTrue(rm <= 1e-6, "means differ from MLlib's by " + rm);
    assertTrue(rw <= 1e-6, "weights differ from MLlib's by " + rw);
    assertTrue(rll <= 1e-6, "log-likelihood differs from MLlib's by " + rll);
  }

  @Order(2)
  @Test
  void transformSaveLoadAndTheEngineModelFile() throws Exception {
    org.apache.spark.sql.Dataset<Row> df = SharedSpark.columnFrame(x, N, D, 4);
    SegmentaGaussianMixtureModel m = fitted(CovarianceType.FULL).copy(new org.apache.spark.ml.param.ParamMap())
        .setInputCols(SharedSpark.cols(D));
    List<Row> out = m.transform(df).select("prediction", "probability").collectAsList();
    int[] labels = engine.get(CovarianceType.FULL).labels();
    int same = 0;
    for (int i = 0; i < N; i++) {
      double[] p = ((Vector) out.get(i).get(1)).toArray();
      double s = 0;
      int arg = 0;
      for (int c = 0; c < K; c++) {
        s += p[c];
        if (p[c] > p[arg]) arg = c;
      }
      assertEquals(1, s, 1e-12, "row " + i);
      assertEquals(arg, out.get(i).getInt(0), "row " + i);
      if (labels[i] == arg) same++;
    }
    assertEquals(N, same, "predictions equal the engine's labels");

    String dir = tmp.resolve("gmm").toString();
    m.write().overwrite().save(dir);
    SegmentaGaussianMixtureModel back = SegmentaGaussianMixtureModel.load(dir);
    assertEquals(m.uid(), back.uid());
    assertArrayEquals(m.weights(), back.weights(), 0);
    assertEquals(m.lowerBound(), back.lowerBound(), 0);
    List<Row> out2 = back.transform(df).select("prediction").collectAsList();
    for (int i = 0; i < N; i++) assertEquals(out.get(i).getInt(0), out2.get(i).getInt(0), "row " + i);

    Path file = tmp.resolve("spark-gmm.segm");
    m.exportModelFile(file);
    GmmModel served = Segmenta.loadGmmModel(file);
    assertArrayEquals(m.weights(), served.weights(), 0);
    assertEquals(List.of("features_0", "features_1", "features_2"), served.columns());

    Path eng = tmp.resolve("engine-gmm.segm");
    ModelFile.save(engine.get(CovarianceType.FULL).model(), eng);
    List<Row> p2 = SegmentaGaussianMixtureModel.importModelFile(eng).setFeaturesCol("features")
        .transform(SharedSpark.vectorFrame(x, N, D, 3)).select("prediction").collectAsList();
    for (int i = 0; i < N; i++) assertEquals(labels[i], p2.get(i).getInt(0), "row " + i);

    SegmentaGaussianMixture est = new SegmentaGaussianMixture().setK(4).setCovarianceType("diag").setMaxIter(7);
    String edir = tmp.resolve("gmm-est").toString();
    est.write().overwrite().save(edir);
    SegmentaGaussianMixture e2 = SegmentaGaussianMixture.load(edir);
    assertEquals(4, e2.getK());
    assertEquals(7, e2.getMaxIter());
    assertEquals("diag", e2.getCovarianceType());
    assertEquals(0.01, e2.getTol(), 0);
  }

  @Order(2)
  @Test
  void defaultsAreMllibs() {
    SegmentaGaussianMixture e = new SegmentaGaussianMixture();
    org.apache.spark.ml.clustering.GaussianMixture ml = new org.apache.spark.ml.clustering.GaussianMixture();
    assertEquals(ml.getK(), e.getK());
    assertEquals(ml.getMaxIter(), e.getMaxIter());
    assertEquals(ml.getTol(), e.getTol(), 0);
    assertEquals(ml.getAggregationDepth(), e.getAggregationDepth());
    assertEquals(ml.getFeaturesCol(), e.getOrDefault(e.featuresCol()));
    assertEquals(ml.getPredictionCol(), e.getOrDefault(e.predictionCol()));
    assertEquals(ml.getProbabilityCol(), e.getOrDefault(e.probabilityCol()));
    assertEquals("full", e.getCovarianceType());
  }

  @Order(2)
  @Test
  void aTaskFailedInAnEmPassIsRetriedWithTheSameResult() throws Exception {
    org.apache.spark.sql.Dataset<Row> df = SharedSpark.vectorFrame(x, N, D, 4);
    SegmentaGaussianMixtureModel plain = fitted(CovarianceType.DIAG);
    AtomicInteger failed = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        if (e.taskInfo().failed()) failed.incrementAndGet();
      }
    };
    var sc = SharedSpark.get().sparkContext();
    sc.addSparkListener(l);
    try {
      SegmentaGaussianMixtureModel retried = estimator(CovarianceType.DIAG).injectTaskFailure(5, 2).fit(df);
      sc.listenerBus().waitUntilEmpty();
      assertEquals(1, failed.get(), "the injected failure ran once and was retried");
      assertEquals(plain.lowerBound(), retried.lowerBound(), 0);
      assertArrayEquals(plain.engineModel().means()[0], retried.engineModel().means()[0], 0);
    } finally {
      sc.removeSparkListener(l);
    }
  }

  /** Fails the fit with the message's parts, after at most the first pass's jobs. */
  static void fails(SegmentaGaussianMixture est, org.apache.spark.sql.Dataset<Row> df, String... parts) throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobs.incrementAndGet();
      }
    };
    var sc = SharedSpark.get().sparkContext();
    df.count();
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(l);
    try {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> est.fit(df));
      for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
      sc.listenerBus().waitUntilEmpty();
      assertTrue(jobs.get() <= 2, jobs.get() + " jobs ran before the error: no iteration may run");
    } finally {
      sc.removeSparkListener(l);
    }
  }

  @Order(2)
  @Test
  void badInputFailsBeforeAnyIteration() throws Exception {
    org.apache.spark.sql.Dataset<Row> nan = BadInputTest.frame(BadInputTest.row(1.0, 2.0, 1, 0, 0),
        BadInputTest.row(2.0, 1.0, 1, 0, Double.NaN), BadInputTest.row(3.0, 3.0, 1, 1, 1));
    fails(new SegmentaGaussianMixture().setFeaturesCol("v").setBackend("cpu"), nan, "featuresCol 'v' element 1", "row 2", "NaN", "finite");
    org.apache.spark.sql.Dataset<Row> nul = BadInputTest.frame(BadInputTest.row(1.0, 2.0, 1, 0, 0), BadInputTest.row(2.0, null, 1, 0, 0),
        BadInputTest.row(3.0, 3.0, 1, 1, 1));
    fails(new SegmentaGaussianMixture().setInputCols("a", "b").setBackend("cpu"), nul, "column 'b'", "row 2", "must not be null");
    fails(new SegmentaGaussianMixture().setFeaturesCol("nope"), BadInputTest.good(6), "featuresCol: column 'nope' is not in the input");
    fails(new SegmentaGaussianMixture().setInputCols("a", "name"), BadInputTest.good(6), "column 'name' has type string", "must be numeric");
    fails(new SegmentaGaussianMixture().setInputCols("a", "b").setK(7).setBackend("cpu"), BadInputTest.good(5),
        "k = 7 is larger than the number of rows (5)");
  }
}
