package io.segmenta.kmeans;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.datasets.Blobs;
import io.segmenta.datasets.Uef;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.metrics.AdjustedRandIndex;
import io.segmenta.metrics.CentroidIndex;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cluster-level quality against known answers: generated blobs and the UEF benchmark sets. */
class KMeansQualityTest {
  private static Segmenta engine;

  @BeforeAll
  static void open() {
    engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void wellSeparatedBlobsAreRecoveredExactly() {
    // 8 clusters, std 0.5 in a box of half-width 50 in 5 dimensions: separated by many std.
    Blobs b = Blobs.generate(20_000, 5, 8, 0.5, 50, 11);
    for (long seed = 1; seed <= 3; seed++) {
      KMeansResult r = engine.kmeans(Dataset.ofRowMajor(b.values(), b.n(), b.d()),
          KMeansParams.builder(8).nInit(10).seed(seed).build());
      assertEquals(1.0, AdjustedRandIndex.of(b.labels(), r.labels()), 1e-12, "seed " + seed);
      assertEquals(0, CentroidIndex.of(b.centers(), r.model().centroids()), "seed " + seed);
    }
  }

  static Stream<Arguments> uefCases() {
    return Stream.of(Uef.S1, Uef.S2, Uef.S3, Uef.S4, Uef.A1)
        .flatMap(set -> Stream.of(1, 2, 3, 4, 5).map(seed -> Arguments.of(set, seed)));
  }

  /** The acceptance point: k-means++ with n-init 10 finds every true cluster (CI = 0). */
  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("uefCases")
  void centroidIndexIsZeroOnUefSets(Uef set, int seed) {
    double[][] pts = set.points();
    float[][] rows = new float[pts.length][];
    for (int i = 0; i < pts.length; i++) rows[i] = new float[] {(float) pts[i][0], (float) pts[i][1]};
    KMeansResult r = engine.kmeans(Dataset.of(rows),
        KMeansParams.builder(set.k()).init(Init.KMEANS_PLUS_PLUS).nInit(10).seed(seed).build());
    assertEquals(0, CentroidIndex.of(set.centroids(), r.model().centroids()),
        set.setName() + " seed " + seed + ": inertia " + r.model().inertia());
  }
}
