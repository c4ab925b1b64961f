package io.segmenta.kmeans;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.EngineOptions;
import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.cpu.CpuBackendProvider;
import io.segmenta.data.Dataset;
import io.segmenta.datasets.Blobs;
import io.segmenta.datasets.Uef;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.metrics.AdjustedRandIndex;
import io.segmenta.metrics.CentroidIndex;
import io.segmenta.run.RunControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What serves 10^8 rows: k-means|| seeding, mini-batch K-Means (both streaming through a backend
 * whose memory budget forces it to read the data chunk by chunk), and the quality mode.
 */
class ScaleAlgorithmsTest {
  static final Blobs BLOBS = Blobs.generate(200_000, 8, 12, 1.0, 12.0, 5);
  static final Dataset DATA = Dataset.ofRowMajor(BLOBS.values(), 200_000, 8);

  /** A CPU backend that may keep only 64 KB resident: every pass streams the rows. */
  static ComputeBackend streaming() {
    return CpuBackendProvider.open(true, 2, 64 * 1024);
  }

  @Test
  void kmeansParallelSeedsAsWellAsKMeansPlusPlusAndStreams() {
    KMeansParams p = KMeansParams.builder(12).init(Init.KMEANS_PARALLEL).seed(3).build();
    KMeansResult resident;
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2))) {
      resident = engine.kmeans(DATA, p);
      KMeansResult pp = engine.kmeans(DATA, KMeansParams.builder(12).seed(3).build());
      assertEquals(1.0, AdjustedRandIndex.of(BLOBS.labels(), resident.labels()), 1e-12, "every planted blob found");
      assertEquals(pp.model().inertia(), resident.model().inertia(), 1e-6 * pp.model().inertia());
    }
    try (ComputeBackend be = streaming()) {
      KMeansResult streamed = KMeans.fit(be, DATA, p, RunControl.none());
      assertArrayEquals(resident.labels(), streamed.labels(), "the streamed passes give the resident answer");
      assertArrayEquals(resident.model().centroidsFlat(), streamed.model().centroidsFlat());
    }
  }

  @Test
  void miniBatchFindsThePlantedBlobsNearTheFullInertiaAndStreams() {
    MiniBatchParams p = MiniBatchParams.builder(12).seed(1).build();
    KMeansResult full, mb;
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2))) {
      full = engine.kmeans(DATA, KMeansParams.builder(12).seed(1).build());
      mb = engine.miniBatchKMeans(DATA, p);
      KMeansResult pp = engine.miniBatchKMeans(DATA, MiniBatchParams.builder(12).init(Init.KMEANS_PLUS_PLUS).seed(1).build());
      assertTrue(AdjustedRandIndex.of(BLOBS.labels(), pp.labels()) > 0.999, "k-means++ on a sample start");
    }
    assertTrue(AdjustedRandIndex.of(BLOBS.labels(), mb.labels()) > 0.999, "ARI " + AdjustedRandIndex.of(BLOBS.labels(), mb.labels()));
    assertEquals(full.model().inertia(), mb.model().inertia(), 0.01 * full.model().inertia(), "within 1% of full K-Means");
    assertTrue(mb.model().iterations() < 10_000, "stopped early on the smoothed batch inertia: " + mb.model().iterations());
    try (ComputeBackend be = streaming()) {
      KMeansResult streamed = MiniBatchKMeans.fit(be, DATA, p, RunControl.none());
      assertArrayEquals(mb.labels(), streamed.labels());
      assertEquals(mb.model().inertia(), streamed.model().inertia());
    }
    assertThrows(InvalidInputException.class, () -> MiniBatchParams.builder(3).init(Init.RANDOM).build());
    assertThrows(InvalidInputException.class, () -> MiniBatchParams.builder(3).batchSize(0).build());
  }

  /** Sets where k-means++ with 10 restarts misses a cluster for some seed (benchmarks/RESULTS.md). */
  @ParameterizedTest
  @EnumSource(value = Uef.class, names = {"A2", "A3", "S4", "UNBALANCE"})
  void qualityModeReachesCentroidIndexZero(Uef set) {
    double[][] pts = set.points();
    float[][] rows = new float[pts.length][];
    for (int i = 0; i < pts.length; i++) rows[i] = new float[] {(float) pts[i][0], (float) pts[i][1]};
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2))) {
      for (long seed = 1; seed <= 3; seed++) {
        KMeansResult r = engine.kmeans(Dataset.of(rows), KMeansParams.builder(set.k()).swaps(3000).seed(seed).build());
        assertEquals(0, CentroidIndex.of(r.model().centroids(), set.centroids()), set + " seed " + seed);
        assertEquals(3000, r.model().params().swaps());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1})
  void negativeSwapsAreRefused(int swaps) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> KMeansParams.builder(3).swaps(swaps).build());
    assertTrue(e.getMessage().contains("swaps"), e.getMessage());
  }
}
