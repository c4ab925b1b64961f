package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Bad input fails with the column and the rule, before any iteration (at most the first pass ran). */
class BadInputTest {
  static final StructType SCHEMA = new StructType(new StructField[] {
      new StructField("a", DataTypes.DoubleType, true, Metadata.empty()),
      new StructField("b", DataTypes.DoubleType, true, Metadata.empty()),
      new StructField("name", DataTypes.StringType, true, Metadata.empty()),
      new StructField("w", DataTypes.DoubleType, true, Metadata.empty()),
      new StructField("v", new VectorUDT(), true, Metadata.empty())});

  static Dataset<Row> frame(Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) list.add(RowFactory.create(r));
    return SharedSpark.frame(list, SCHEMA, 2);
  }

  static Object[] row(Double a, Double b, double w, double... v) {
    return new Object[] {a, b, "x", w, Vectors.dense(v)};
  }

  static Dataset<Row> good(int n) {
    Object[][] rows = new Object[n][];
    for (int i = 0; i < n; i++) rows[i] = row((double) i, (double) (i % 3), 1, i, i % 3);
    return frame(rows);
  }

  static void drain() {
    try {
      SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** Fails the fit, checks the message's parts and that no more than the first pass's jobs ran. */
  static void fails(SegmentaKMeans est, Dataset<Row> df, String... parts) {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobs.incrementAndGet();
      }
    };
    var sc = SharedSpark.get().sparkContext();
    df.count(); // materialise the test frame before counting
    drain();
    sc.addSparkListener(l);
    try {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> est.fit(df));
      for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
      drain();
      assertTrue(jobs.get() <= 2, jobs.get() + " jobs ran before the error: no iteration may run");
    } finally {
      sc.removeSparkListener(l);
    }
  }

  @Test
  void nullInANumericColumn() {
    Dataset<Row> df = frame(row(1.0, 2.0, 1, 0, 0), row(2.0, 1.0, 1, 0, 0), row(3.0, null, 1, 0, 0), row(4.0, 4.0, 1, 0, 0));
    fails(new SegmentaKMeans().setInputCols("a", "b").setBackend("cpu"), df, "column 'b'", "row 3", "null", "must not be null");
  }

  @Test
  void nanInAVector() {
    Dataset<Row> df = frame(row(1.0, 2.0, 1, 0, 0), row(2.0, 1.0, 1, 0, Double.NaN), row(3.0, 3.0, 1, 1, 1));
    fails(new SegmentaKMeans().setFeaturesCol("v").setBackend("cpu"), df, "featuresCol 'v' element 1", "row 2", "NaN", "finite");
  }

  @Test
  void missingColumn() {
    fails(new SegmentaKMeans().setFeaturesCol("nope"), good(6), "featuresCol: column 'nope' is not in the input");
    fails(new SegmentaKMeans().setInputCols("a", "zz"), good(6), "column 'zz' is not in the input");
  }

  @Test
  void nonNumericColumn() {
    fails(new SegmentaKMeans().setInputCols("a", "name"), good(6), "column 'name' has type string", "must be numeric");
    fails(new SegmentaKMeans().setFeaturesCol("a"), good(6), "featuresCol: column 'a' has type double", "Vector");
  }

  @Test
  void kLargerThanTheRows() {
    fails(new SegmentaKMeans().setInputCols("a", "b").setK(7).setBackend("cpu"), good(5),
        "k = 7 is larger than the number of rows (5)");
  }

  @Test
  void negativeWeight() {
    Dataset<Row> df = frame(row(1.0, 2.0, 1, 0, 0), row(2.0, 1.0, -1, 0, 0), row(3.0, 3.0, 1, 1, 1));
    fails(new SegmentaKMeans().setInputCols("a", "b").setWeightCol("w").setBackend("cpu"), df,
        "weightCol 'w'", "row 2", "-1.0", ">= 0");
  }
}
