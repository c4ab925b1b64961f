package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.InvalidInputException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mini-batch K-Means on Spark: the same bits twice, the same result on 4 and 8 partitions (the
 * driver draws the rows, so the cut into partitions does not change which rows a step sees), the
 * true centres of well-separated blobs, an inertia close to full Lloyd's, and its params kept
 * with the saved model.
 */
class MiniBatchTest {
  static final int N = 8_000;
  static final int D = 3;
  static final int K = 4;
  static final double[][] TRUE = {{-10, -10, 0}, {-10, 10, 5}, {10, -10, -5}, {10, 10, 0}};
  static float[] x;
  static double[][] start;

  @TempDir Path tmp;

  @BeforeAll
  static void data() {
    // Unit-variance blobs around known centres, rows in random blob order.
    SplittableRandom rng = new SplittableRandom(11);
    x = new float[N * D];
    for (int i = 0; i < N; i++) {
      int b = rng.nextInt(K);
      for (int j = 0; j < D; j++) {
        double u = rng.nextDouble(), v = rng.nextDouble();
        x[i * D + j] = (float) (TRUE[b][j] + Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v));
      }
    }
    // Start 3 units off every true centre, so the steps have somewhere to go.
    start = new double[K][D];
    for (int c = 0; c < K; c++) for (int j = 0; j < D; j++) start[c][j] = TRUE[c][j] + 3;
  }

  static SegmentaKMeans miniBatch() {
    // 24 steps exactly (no early stop) of 512 rows: about 1.5 passes' worth of rows, one Spark job each.
    return new SegmentaKMeans().setInitialCentroids(start).setBatchSize(512).setMaxSteps(24).setMaxNoImprovement(0)
        .setSeed(5).setBackend("cpu");
  }

  @Test
  void deterministicAcrossPartitionsAndRecoversTheCentres() throws Exception {
    SegmentaKMeansModel a = miniBatch().fit(SharedSpark.vectorFrame(x, N, D, 4));
    SegmentaKMeansModel again = miniBatch().fit(SharedSpark.vectorFrame(x, N, D, 4));
    SegmentaKMeansModel eight = miniBatch().fit(SharedSpark.vectorFrame(x, N, D, 8));
    assertEquals(24, a.numIter(), "steps");
    assertEquals(24, a.iterationSeconds().size(), "one Spark job per step");
    System.out.printf("mini-batch step seconds: %s%n", a.iterationSeconds());
    assertArrayEquals(a.engineModel().centroidsFlat(), again.engineModel().centroidsFlat(), 0, "same seed, same bits");
    assertEquals(a.trainingCost(), again.trainingCost(), 0);
    double r8 = SegmentaKMeansTest.relative(eight.engineModel().centroids(), a.engineModel().centroids());
    System.out.printf("mini-batch: 8 vs 4 partitions, centroids rel %.3g%n", r8);
    assertTrue(r8 <= 1e-9, "8 partitions differ from 4 by " + r8);

    // A task of step 5 that fails on its first attempt (Spark retries it: local[2,2]) changes nothing.
    java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener l = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
        if (e.taskInfo().failed()) failed.incrementAndGet();
      }
    };
    var sc = SharedSpark.get().sparkContext();
    sc.addSparkListener(l);
    try {
      SegmentaKMeansModel retried = miniBatch().injectTaskFailure(5, 2).fit(SharedSpark.vectorFrame(x, N, D, 4));
      sc.listenerBus().waitUntilEmpty();
      assertEquals(1, failed.get(), "the injected failure ran once and was retried");
      assertArrayEquals(a.engineModel().centroidsFlat(), retried.engineModel().centroidsFlat(), 0);
    } finally {
      sc.removeSparkListener(l);
    }

    // Another seed draws other rows: a seed that did nothing would pass the checks above.
    SegmentaKMeansModel other = miniBatch().setSeed(6).fit(SharedSpark.vectorFrame(x, N, D, 4));
    assertTrue(SegmentaKMeansTest.relative(other.engineModel().centroids(), a.engineModel().centroids()) > 1e-6,
        "seed 6 gave seed 5's centroids");

    // Known answer: each centroid within 0.15 of its blob's true centre (about 5 sigma of the mean of ~3,000 unit-variance rows).
    double[][] c = a.engineModel().centroids();
    for (int t = 0; t < K; t++) {
      double d2 = 0;
      for (int j = 0; j < D; j++) d2 += (c[t][j] - TRUE[t][j]) * (c[t][j] - TRUE[t][j]);
      assertTrue(Math.sqrt(d2) < 0.15, "centroid " + t + " is " + Math.sqrt(d2) + " from its true centre");
    }
    // And the inertia of its centroids within 2% of full-batch Lloyd's from the same start.
    SegmentaKMeansModel lloyd = new SegmentaKMeans().setInitialCentroids(start).setMaxIter(20).setTol(0).setBackend("cpu")
        .fit(SharedSpark.vectorFrame(x, N, D, 4));
    double rel = (a.trainingCost() - lloyd.trainingCost()) / lloyd.trainingCost();
    System.out.printf("mini-batch inertia %.6g, Lloyd %.6g (rel %.3g)%n", a.trainingCost(), lloyd.trainingCost(), rel);
    assertTrue(rel >= -1e-9 && rel < 0.02, "mini-batch inertia is " + rel + " relative above Lloyd's");

    // The mini-batch params travel with the saved model.
    String dir = tmp.resolve("mb").toString();
    a.write().overwrite().save(dir);
    SegmentaKMeansModel back = SegmentaKMeansModel.load(dir);
    assertEquals(512, (int) back.getOrDefault(back.batchSize()));
    assertEquals(24, (int) back.getOrDefault(back.maxSteps()));
    assertEquals(0, (int) back.getOrDefault(back.maxNoImprovement()));
    assertArrayEquals(a.engineModel().centroidsFlat(), back.engineModel().centroidsFlat(), 0);
    String edir = tmp.resolve("est").toString();
    miniBatch().write().overwrite().save(edir);
    assertEquals(512, SegmentaKMeans.load(edir).getBatchSize());
  }

  @Test
  void swapsWithMiniBatchAreRefusedByName() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> miniBatch().setSwaps(2).fit(SharedSpark.vectorFrame(x, 100, D, 2)));
    assertTrue(e.getMessage().contains("swaps") && e.getMessage().contains("batchSize = 512"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SegmentaKMeans().setBatchSize(-1));
  }
}
