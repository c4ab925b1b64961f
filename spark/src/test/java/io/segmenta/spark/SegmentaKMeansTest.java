package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kmeans.KMeans;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.run.RunControl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * K-Means on Spark against two independent implementations from the same initial centroids: the
 * single-machine engine (the same kernels on the whole data in one process) and Spark MLlib's
 * KMeans (float64 throughout, its own code).
 */
class SegmentaKMeansTest {
  static final int N = 20_000;
  static final int D = 5;
  static final int K = 6;
  static float[] x;
  static double[][] init;
  static KMeansResult engine;

  @BeforeAll
  static void data() {
    x = SharedSpark.blobs(N, D, K, 20, 7);
    init = new double[K][D];
    // Starting centroids: rows spread through the data (not a blob's centre: Lloyd has work to do).
    for (int c = 0; c < K; c++) for (int j = 0; j < D; j++) init[c][j] = x[(c * 997) * D + j];
    try (ComputeBackend b = Backends.open(BackendChoice.CPU, BackendOptions.DEFAULTS)) {
      engine = KMeans.fit(b, Dataset.of(HostMatrix.ofRowMajor(x, N, D), null, null, null),
          KMeansParams.builder(K).initialCentroids(init).maxIter(20).tol(0).build(), RunControl.none());
    }
  }

  static SegmentaKMeans estimator() {
    return new SegmentaKMeans().setInitialCentroids(init).setMaxIter(20).setTol(0).setBackend("cpu");
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

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void sameCentroidsAndInertiaAsTheEngine(int partitions) {
    SegmentaKMeansModel m = estimator().fit(SharedSpark.vectorFrame(x, N, D, partitions));
    KMeansModel e = engine.model();
    assertEquals(partitions, m.summary().partitions());
    assertEquals(e.iterations(), m.numIter(), "iterations");
    double rc = relative(m.engineModel().centroids(), e.centroids());
    double ri = Math.abs(m.trainingCost() - e.inertia()) / e.inertia();
    System.out.printf("partitions %d: centroids rel %.3g, inertia rel %.3g, iterations %d%n", partitions, rc, ri, m.numIter());
    assertTrue(rc <= 1e-9, "centroids differ from the engine's by " + rc);
    assertTrue(ri <= 1e-9, "inertia differs from the engine's by " + ri);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 8})
  void sameCentroidsAndCostAsMllib(int partitions) {
    org.apache.spark.sql.Dataset<Row> df = SharedSpark.columnFrame(x, N, D, partitions);
    SegmentaKMeansModel m = estimator().setInputCols(SharedSpark.cols(D)).fit(df);
    // MLlib's RDD API accepts an initial model; epsilon 0 stops, like tol 0, only when nothing moves.
    List<Vector> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      double[] v = new double[D];
      for (int j = 0; j < D; j++) v[j] = x[i * D + j];
      rows.add(org.apache.spark.mllib.linalg.Vectors.dense(v));
    }
    JavaRDD<Vector> rdd = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext()).parallelize(rows, partitions).cache();
    Vector[] start = new Vector[K];
    for (int c = 0; c < K; c++) start[c] = org.apache.spark.mllib.linalg.Vectors.dense(init[c]);
    org.apache.spark.mllib.clustering.KMeansModel ml = new org.apache.spark.mllib.clustering.KMeans().setK(K)
        .setMaxIterations(20).setEpsilon(0).setInitialModel(new org.apache.spark.mllib.clustering.KMeansModel(start))
        .run(rdd.rdd());
    double[][] mc = new double[K][];
    for (int c = 0; c < K; c++) mc[c] = ml.clusterCenters()[c].toArray();
    double rc = relative(m.engineModel().centroids(), mc);
    double cost = ml.computeCost(rdd.rdd());
    double ri = Math.abs(m.trainingCost() - cost) / cost;
    rdd.unpersist(false);
    System.out.printf("MLlib, partitions %d: centroids rel %.3g, cost rel %.3g%n", partitions, rc, ri);
    assertTrue(rc <= 1e-6, "centroids differ from MLlib's by " + rc);
    assertTrue(ri <= 1e-6, "cost differs from MLlib's by " + ri);
  }

  @Test
  void aTaskFailedAfterItsStepIsRetriedWithTheSameResult() throws Exception {
    org.apache.spark.sql.Dataset<Row> df = SharedSpark.vectorFrame(x, N, D, 4);
    SegmentaKMeansModel plain = estimator().fit(df);
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
      SegmentaKMeansModel retried = estimator().injectTaskFailure(3, 2).fit(df);
      sc.listenerBus().waitUntilEmpty();
      assertEquals(1, failed.get(), "the injected failure ran once and was retried");
      assertArrayEquals(plain.engineModel().centroidsFlat(), retried.engineModel().centroidsFlat(), 0);
      assertEquals(plain.trainingCost(), retried.trainingCost(), 0);
      assertEquals(plain.numIter(), retried.numIter());
    } finally {
      sc.removeSparkListener(l);
    }
  }
}
