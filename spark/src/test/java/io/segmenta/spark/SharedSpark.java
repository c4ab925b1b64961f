package io.segmenta.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one local SparkSession of the module's tests (surefire runs every class in one JVM):
 * {@code local[2,2]}, two cores, and two attempts per task so the retry test can fail a task once.
 */
final class SharedSpark {
  private static SparkSession spark;

  private SharedSpark() {}

  static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSession.builder().master("local[2,2]").appName("segmenta-spark-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.memory", "1g")
          .getOrCreate();
    }
    return spark;
  }

  /** Gaussian blobs in float32: k centres spread over +-range, per-blob spread 0.5 to 2. */
  static float[] blobs(int n, int d, int k, double range, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] c = new double[k][d];
    double[] sd = new double[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < d; j++) c[i][j] = (rng.nextDouble() * 2 - 1) * range;
      sd[i] = 0.5 + 1.5 * rng.nextDouble();
    }
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      int b = rng.nextInt(k);
      for (int j = 0; j < d; j++) x[i * d + j] = (float) (c[b][j] + sd[b] * gauss(rng));
    }
    return x;
  }

  private static double gauss(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  static StructType vectorSchema() {
    return new StructType(new StructField[] {new StructField("features", new VectorUDT(), true, Metadata.empty())});
  }

  /** The rows as a Vector column, in order, cut into exactly {@code partitions} partitions. */
  static Dataset<Row> vectorFrame(float[] x, int n, int d, int partitions) {
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] v = new double[d];
      for (int j = 0; j < d; j++) v[j] = x[i * d + j];
      rows.add(RowFactory.create(Vectors.dense(v)));
    }
    return frame(rows, vectorSchema(), partitions);
  }

  /** The rows as numeric columns {@code c0 .. c(d-1)} (doubles), in order, in {@code partitions} partitions. */
  static Dataset<Row> columnFrame(float[] x, int n, int d, int partitions) {
    List<Row> rows = new ArrayList<>(n);
    StructField[] f = new StructField[d];
    for (int j = 0; j < d; j++) f[j] = new StructField("c" + j, DataTypes.DoubleType, true, Metadata.empty());
    for (int i = 0; i < n; i++) {
      Object[] v = new Object[d];
      for (int j = 0; j < d; j++) v[j] = (double) x[i * d + j];
      rows.add(RowFactory.create(v));
    }
    return frame(rows, new StructType(f), partitions);
  }

  static Dataset<Row> frame(List<Row> rows, StructType schema, int partitions) {
    SparkSession s = get();
    var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(s.sparkContext());
    return s.createDataFrame(jsc.parallelize(rows, partitions), schema);
  }

  static String[] cols(int d) {
    String[] c = new String[d];
    for (int j = 0; j < d; j++) c[j] = "c" + j;
    return c;
  }
}
