package io.segmenta.model;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.preprocess.ScaleMethod;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  @TempDir Path dir;
  static KMeansModel model;
  static Dataset data;

  @BeforeAll
  static void fit() {
    SplittableRandom r = new SplittableRandom(3);
    float[][] rows = new float[500][3];
    for (float[] row : rows) for (int j = 0; j < 3; j++) row[j] = (float) (r.nextGaussian() * (j + 1) + 100 * r.nextInt(4));
    data = Dataset.of(rows);
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      model = engine.kmeans(data, KMeansParams.builder(4).nInit(3).seed(9).scale(ScaleMethod.ROBUST)
          .log1p(io.segmenta.preprocess.Log1p.auto(0.5)).build()).model();
    }
  }

  @Test
  void roundTripKeepsEveryFieldAndPredictions() {
    Path f = dir.resolve("m.segm");
    Segmenta.saveModel(model, f);
    KMeansModel back = Segmenta.loadModel(f);
    assertEquals(model.columns(), back.columns());
    assertTrue(Arrays.deepEquals(model.centroids(), back.centroids()));
    assertEquals(model.scaling(), back.scaling());
    assertEquals(model.inertia(), back.inertia());
    assertEquals(model.iterations(), back.iterations());
    assertEquals(model.converged(), back.converged());
    assertEquals(model.trainedRows(), back.trainedRows());
    assertEquals(model.params(), back.params());
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      assertArrayEquals(engine.predict(model, data), engine.predict(back, data));
    }
  }

  @Test
  void roundTripWithGivenInitialCentroids() {
    KMeansParams p = KMeansParams.builder(2).initialCentroids(new double[][] {{0, 0, 0}, {1, 1, 1}}).build();
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      KMeansModel m = engine.kmeans(data, p).model();
      Path f = dir.resolve("g.segm");
      Segmenta.saveModel(m, f);
      assertEquals(m.params(), Segmenta.loadModel(f).params());
    }
  }

  @Test
  void overwriteIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
    Path f = dir.resolve("m.segm");
    Segmenta.saveModel(model, f);
    Segmenta.saveModel(model, f);
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "only the model file remains");
    }
  }

  @Test
  void truncatedCorruptForeignAndNewerFilesAreReportedAsSuch() throws IOException {
    Path f = dir.resolve("m.segm");
    Segmenta.saveModel(model, f);
    byte[] good = Files.readAllBytes(f);

    Path cut = dir.resolve("cut.segm");
    Files.write(cut, Arrays.copyOf(good, good.length - 10));
    assertTrue(msg(cut).contains("truncated"), msg(cut));
    Files.write(cut, Arrays.copyOf(good, 12));
    assertTrue(msg(cut).contains("truncated"), msg(cut));

    byte[] flipped = good.clone();
    flipped[ModelFile.HEADER_BYTES + 20] ^= 0x10;
    Path bad = dir.resolve("bad.segm");
    Files.write(bad, flipped);
    assertTrue(msg(bad).contains("corrupt") && msg(bad).contains("checksum"), msg(bad));

    Path csv = dir.resolve("not.segm");
    Files.writeString(csv, "a,b\n1,2\n");
    assertTrue(msg(csv).contains("not a Segmenta model file"), msg(csv));

    byte[] newer = good.clone();
    ByteBuffer.wrap(newer).putInt(8, ModelFile.FORMAT_VERSION + 1);
    Path nf = dir.resolve("newer.segm");
    Files.write(nf, newer);
    assertTrue(msg(nf).contains("newer Segmenta"), msg(nf));

    assertTrue(msg(dir.resolve("missing.segm")).contains("no such model file"));
  }

  private static String msg(Path p) {
    return assertThrows(ModelFormatException.class, () -> ModelFile.load(p)).getMessage();
  }
}
