package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.segmenta.Segmenta;
import io.segmenta.kmeans.KMeansModel;
import io.segmenta.model.ModelFile;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * transform against the engine's labels; Spark ML persistence; the engine's model file both ways
 * (a Spark-trained model served by the engine, an engine model served on Spark).
 */
class PersistenceTest {
  @TempDir Path tmp;

  @Test
  void transformSaveLoadAndTheEngineModelFile() throws Exception {
    SegmentaKMeansTest.data();
    float[] x = SegmentaKMeansTest.x;
    int n = SegmentaKMeansTest.N;
    int d = SegmentaKMeansTest.D;
    Dataset<Row> df = SharedSpark.vectorFrame(x, n, d, 4);
    SegmentaKMeansModel m = SegmentaKMeansTest.estimator().setDistanceCol("dist").fit(df);

    // transform: the engine's labels and distances for the training rows, in row order.
    List<Row> out = m.transform(df).select("prediction", "dist").collectAsList();
    int[] labels = SegmentaKMeansTest.engine.labels();
    double[][] c = m.engineModel().centroids();
    for (int i = 0; i < n; i++) {
      assertEquals(labels[i], out.get(i).getInt(0), "row " + i);
      double s = 0; // float64 oracle
      for (int j = 0; j < d; j++) s += (x[i * d + j] - c[labels[i]][j]) * (x[i * d + j] - c[labels[i]][j]);
      assertEquals(Math.sqrt(s), out.get(i).getDouble(1), 1e-12 * (1 + Math.sqrt(s)), "row " + i);
    }

    // Spark ML persistence.
    String dir = tmp.resolve("model").toString();
    m.write().overwrite().save(dir);
    SegmentaKMeansModel back = SegmentaKMeansModel.load(dir);
    assertEquals(m.uid(), back.uid());
    assertEquals("dist", back.getOrDefault(back.distanceCol()));
    assertArrayEquals(m.engineModel().centroidsFlat(), back.engineModel().centroidsFlat(), 0);
    assertEquals(m.trainingCost(), back.trainingCost(), 0);

    // The engine's model file: written here, read by the engine's facade.
    Path file = tmp.resolve("spark.segm");
    m.exportModelFile(file);
    KMeansModel served = Segmenta.loadModel(file);
    assertArrayEquals(m.engineModel().centroidsFlat(), served.centroidsFlat(), 0);
    assertEquals(List.of("features_0", "features_1", "features_2", "features_3", "features_4"), served.columns());

    // And an engine-trained model served on Spark: the same predictions.
    Path eng = tmp.resolve("engine.segm");
    ModelFile.save(SegmentaKMeansTest.engine.model(), eng);
    SegmentaKMeansModel imported = SegmentaKMeansModel.importModelFile(eng).setFeaturesCol("features");
    List<Row> p2 = imported.transform(df).select("prediction").collectAsList();
    for (int i = 0; i < n; i++) assertEquals(labels[i], p2.get(i).getInt(0), "row " + i);

    // The estimator's params survive too.
    SegmentaKMeans est = new SegmentaKMeans().setK(5).setMaxIter(7).setInitMode("random").setBackend("cpu");
    String edir = tmp.resolve("est").toString();
    est.write().overwrite().save(edir);
    SegmentaKMeans e2 = SegmentaKMeans.load(edir);
    assertEquals(5, e2.getK());
    assertEquals(7, e2.getMaxIter());
    assertEquals("random", e2.getInitMode());
  }
}
