package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kmeans.KMeans;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.run.RunControl;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The seedings on Spark find the blobs: on well separated blobs every seeding reaches the inertia
 * of the engine's best of 10 k-means++ restarts; the same seed gives the same model.
 */
class InitModesTest {
  @Test
  void everySeedingFindsTheBlobs() {
    int n = 6000, d = 3, k = 5;
    float[] x = SharedSpark.blobs(n, d, k, 60, 11);
    double best;
    try (ComputeBackend b = Backends.open(BackendChoice.CPU, BackendOptions.DEFAULTS)) {
      best = KMeans.fit(b, Dataset.of(HostMatrix.ofRowMajor(x, n, d), null, null, null),
          KMeansParams.builder(k).nInit(10).seed(3).build(), RunControl.none()).model().inertia();
    }
    org.apache.spark.sql.Dataset<Row> df = SharedSpark.vectorFrame(x, n, d, 3);
    for (String mode : new String[] {"k-means||", "k-means++"}) {
      SegmentaKMeans est = new SegmentaKMeans().setK(k).setInitMode(mode).setSeed(5).setBackend("cpu");
      SegmentaKMeansModel m = est.fit(df);
      assertEquals(best, m.trainingCost(), 1e-9 * best, mode);
      assertEquals(m.trainingCost(), est.fit(df).trainingCost(), 0, mode + ": same seed, same model");
    }
    // Random seeding may merge blobs; it must still give a valid, finite clustering no worse than one blob per two.
    SegmentaKMeansModel r = new SegmentaKMeans().setK(k).setInitMode("random").setSeed(5).setBackend("cpu").fit(df);
    assertTrue(r.trainingCost() >= best * (1 - 1e-9) && Double.isFinite(r.trainingCost()));
  }
}
