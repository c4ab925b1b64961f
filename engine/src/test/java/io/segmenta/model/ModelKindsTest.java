package io.segmenta.model;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.density.Dbscan;
import io.segmenta.density.DbscanModel;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.mixture.GmmModel;
import io.segmenta.mixture.GmmParams;
import io.segmenta.preprocess.FeatureScaling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gaussian mixtures and DBSCAN models in the model file: round trips, the kind check, and a hostile mixture. */
class ModelKindsTest {
  @TempDir Path dir;

  static Dataset data() {
    float[][] rows = new float[600][];
    for (int i = 0; i < rows.length; i++) rows[i] = new float[] {i % 3 * 5 + (i * 37 % 11) * 0.1f, (i % 3) * 2 + (i * 13 % 7) * 0.1f};
    return Dataset.of(rows);
  }

  @Test
  void mixturesAndDbscanModelsRoundTripAndPredictTheSame() {
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      GmmModel g = engine.gmm(data(), GmmParams.builder(3).seed(1).build()).model();
      Path gf = dir.resolve("g.segm");
      Segmenta.saveModel(g, gf);
      assertEquals(ModelFile.Kind.GMM, Segmenta.modelKind(gf));
      GmmModel back = Segmenta.loadGmmModel(gf);
      assertArrayEquals(engine.predict(g, data()), engine.predict(back, data()));
      assertEquals(g.bic(), back.bic());
      ModelFormatException wrong = assertThrows(ModelFormatException.class, () -> Segmenta.loadModel(gf));
      assertTrue(wrong.getMessage().contains("Gaussian mixture model, not a K-Means one"), wrong.getMessage());

      Dbscan.Result r = Dbscan.fit(data(), 0.5, 4);
      DbscanModel d = DbscanModel.of(List.of("a", "b"), FeatureScaling.identity(2), data(), r, 0.5, 4);
      Path df = dir.resolve("d.segm");
      Segmenta.saveModel(d, df);
      assertEquals(ModelFile.Kind.DBSCAN, Segmenta.modelKind(df));
      assertArrayEquals(engine.predict(d, data()), engine.predict(Segmenta.loadDbscanModel(df), data()));
    }
  }

  @Test
  void aMixtureWithACovarianceThatIsNotPositiveDefiniteIsRefused() throws Exception {
    GmmModel bad = new GmmModel(List.of("a"), io.segmenta.mixture.CovarianceType.FULL, new double[] {1}, new double[][] {{0}},
        new double[][][] {{{-1}}}, 0, FeatureScaling.identity(1), 0, 0, 1, 1, true);
    Path f = dir.resolve("bad.segm");
    Segmenta.saveModel(bad, f);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> Segmenta.loadGmmModel(f));
    assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("not positive definite"), e.getMessage());
    assertTrue(Files.size(f) > 0);
  }
}
