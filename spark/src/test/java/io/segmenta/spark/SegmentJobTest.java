package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.cli.SegmentCli;
import io.segmenta.kmeans.KMeansModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segment spark kmeans} against {@code segment kmeans}: the same rows (CSV for the engine's
 * command, Parquet in 4 partitions for the Spark job), the same initial centroids; the same
 * centroids.csv, inertia, sizes and every customer's segment. Then the job's bad-input answers.
 */
class SegmentJobTest {
  @TempDir Path dir;

  record Out(int status, String out, String err) {}

  static Out job(String... args) {
    StringWriter o = new StringWriter(), e = new StringWriter();
    int s = SegmentJob.run(SharedSpark.get(), args, new PrintWriter(o, true), new PrintWriter(e, true));
    return new Out(s, o.toString(), e.toString());
  }

  static Out engine(String... args) {
    StringWriter o = new StringWriter(), e = new StringWriter();
    int s = SegmentCli.run(args, new PrintWriter(o, true), new PrintWriter(e, true));
    return new Out(s, o.toString(), e.toString());
  }

  @Test
  void sameRunAsSegmentKMeansOnTheSameRows() throws IOException {
    int n = 6000, d = 5, k = 6;
    float[] x = SharedSpark.blobs(n, d, k, 20, 17);
    Path csv = dir.resolve("rows.csv");
    StringBuilder sb = new StringBuilder("id");
    for (int j = 0; j < d; j++) sb.append(",f").append(j);
    sb.append('\n');
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sb.append("C").append(i);
      Object[] v = new Object[d + 1];
      v[0] = "C" + i;
      for (int j = 0; j < d; j++) {
        sb.append(',').append(x[i * d + j]);
        v[j + 1] = x[i * d + j];
      }
      sb.append('\n');
      rows.add(RowFactory.create(v));
    }
    Files.writeString(csv, sb);
    StructField[] f = new StructField[d + 1];
    f[0] = new StructField("id", DataTypes.StringType, false, Metadata.empty());
    for (int j = 0; j < d; j++) f[j + 1] = new StructField("f" + j, DataTypes.FloatType, false, Metadata.empty());
    Path parquet = dir.resolve("rows.parquet");
    SharedSpark.frame(rows, new StructType(f), 3).write().parquet(parquet.toString());
    // Initial centroids: rows 0, 1000, 2000, ... in the input's units.
    StringBuilder init = new StringBuilder("f0,f1,f2,f3,f4\n");
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) init.append(j == 0 ? "" : ",").append(x[c * 1000 * d + j]);
      init.append('\n');
    }
    Path initFile = Files.writeString(dir.resolve("init.csv"), init);

    Out e = engine("kmeans", "--input", csv.toString(), "--id-column", "id", "--k", "" + k, "--init", initFile.toString(), "--scale", "standard",
        "--out", dir.resolve("engine").toString(), "--progress", "never");
    assertEquals(0, e.status(), e.err());
    Out s = job("kmeans", "--input", parquet.toString(), "--id-column", "id", "--k", "" + k, "--init", initFile.toString(), "--scale", "standard",
        "--partitions", "4", "--csv", "--out", dir.resolve("spark").toString());
    assertEquals(0, s.status(), s.err());
    assertTrue(s.out().contains("4 partitions"), s.out());

    List<String> ec = Files.readAllLines(dir.resolve("engine/centroids.csv"));
    List<String> sc = Files.readAllLines(dir.resolve("spark/centroids.csv"));
    assertEquals(ec.get(0), sc.get(0), "header");
    assertEquals(ec.size(), sc.size());
    for (int r = 1; r < ec.size(); r++) {
      String[] a = ec.get(r).split(","), b = sc.get(r).split(",");
      assertEquals(a[0], b[0]);
      assertEquals(a[1], b[1], "size of segment " + a[0]);
      for (int j = 2; j < a.length; j++) {
        double va = Double.parseDouble(a[j]), vb = Double.parseDouble(b[j]);
        assertEquals(va, vb, 1e-9 * Math.max(1, Math.abs(va)), "segment " + a[0] + ", " + ec.get(0).split(",")[j]);
      }
    }
    double ei = number(Files.readString(dir.resolve("engine/summary.json")), "inertia");
    String summary = Files.readString(dir.resolve("spark/summary.json"));
    double si = number(summary, "inertia");
    assertEquals(ei, si, 1e-9 * ei, "inertia");
    assertEquals(number(Files.readString(dir.resolve("engine/summary.json")), "iterations"), number(summary, "iterations"));
    assertEquals(4, (int) number(summary, "partitions"));
    assertTrue(summary.contains("\"executor_backends\": [\"driver=cpu-vector\"]"), summary);

    Map<String, Integer> engineSeg = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("engine/assignments.csv")).subList(1, n + 1)) {
      String[] p = line.split(",");
      engineSeg.put(p[0], Integer.parseInt(p[1]));
    }
    List<Row> got = SharedSpark.get().read().parquet(dir.resolve("spark/assignments").toString()).collectAsList();
    assertEquals(n, got.size());
    for (Row r : got) assertEquals(engineSeg.get(r.getString(0)), r.getInt(1), "customer " + r.getString(0));
    assertEquals(n, SharedSpark.get().read().option("header", true).csv(dir.resolve("spark/assignments-csv").toString()).count());
    // The model file is the engine's: segment predict and lookups read it.
    KMeansModel m = io.segmenta.Segmenta.loadModel(dir.resolve("spark/model.segm"));
    assertEquals(k, m.k());

    // segment kmeans's mini-batch flags: exactly --max-steps steps here (fewer than the 10 without improvement that stop it).
    Out mb = job("kmeans", "--input", parquet.toString(), "--id-column", "id", "--k", "" + k, "--init", initFile.toString(), "--scale", "standard",
        "--mini-batch", "--batch-size", "256", "--max-steps", "5", "--out", dir.resolve("mb").toString());
    assertEquals(0, mb.status(), mb.err());
    assertEquals(5, (int) number(Files.readString(dir.resolve("mb/summary.json")), "iterations"));
    assertEquals(k, io.segmenta.Segmenta.loadModel(dir.resolve("mb/model.segm")).k());
  }

  @Test
  void gmmJobMatchesSegmentGmm() throws IOException {
    int n = 3000, d = 3, k = 3;
    float[] x = SharedSpark.blobs(n, d, k, 8, 29);
    StringBuilder sb = new StringBuilder("id,a,b,c\n");
    for (int i = 0; i < n; i++) sb.append("C").append(i).append(',').append(x[i * d]).append(',').append(x[i * d + 1]).append(',').append(x[i * d + 2]).append('\n');
    Path csv = Files.writeString(dir.resolve("g.csv"), sb);
    Out e = engine("gmm", "--input", csv.toString(), "--id-column", "id", "--k", "" + k, "--covariance", "diag", "--seed", "3",
        "--out", dir.resolve("eg").toString(), "--progress", "never");
    assertEquals(0, e.status(), e.err());
    Out s = job("gmm", "--input", csv.toString(), "--id-column", "id", "--k", "" + k, "--covariance", "diag", "--seed", "3", "--partitions", "4",
        "--out", dir.resolve("sg").toString());
    assertEquals(0, s.status(), s.err());
    double el = number(Files.readString(dir.resolve("eg/summary.json")), "lower_bound");
    double sl = number(Files.readString(dir.resolve("sg/summary.json")), "lower_bound");
    assertEquals(el, sl, 1e-9 * Math.abs(el), "lower bound");
    Map<String, Integer> engineSeg = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("eg/assignments.csv")).subList(1, n + 1)) {
      String[] p = line.split(",");
      engineSeg.put(p[0], Integer.parseInt(p[1]));
    }
    // --partitions shuffles the rows, so the seeded K-Means start may number the same components differently:
    // the two partitions of the customers must be the same, label for label under one renaming.
    Map<Integer, Integer> rename = new HashMap<>();
    List<Row> got = SharedSpark.get().read().parquet(dir.resolve("sg/assignments").toString()).collectAsList();
    assertEquals(n, got.size());
    for (Row r : got) {
      int was = engineSeg.get(r.getString(0));
      assertEquals(rename.computeIfAbsent(r.getInt(1), any -> was), was, "customer " + r.getString(0));
    }
    assertEquals(k, new java.util.HashSet<>(rename.values()).size(), "a one-to-one renaming");
    assertTrue(Files.isRegularFile(dir.resolve("sg/components.csv")));
    assertEquals(k, io.segmenta.Segmenta.loadGmmModel(dir.resolve("sg/model.segm")).k());
  }

  @Test
  void rfmJobCountsAndRefuses() throws IOException {
    Path tx = Files.writeString(dir.resolve("tx.csv"), "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "1,A,x,2,2011-01-01 10:00:00,1.5,17850,UK\n"
        + "2,B,y,1,2011-01-05 10:00:00,4.0,17850,UK\n"
        + "3,A,x,3,2011-01-03 10:00:00,1.5,,UK\n"
        + "4,C,z,5,2011-01-04 10:00:00,2.0,12347,UK\n");
    Out s = job("rfm", "--transactions", tx.toString(), "--out", dir.resolve("rfm").toString());
    assertEquals(0, s.status(), s.err());
    String summary = Files.readString(dir.resolve("rfm/summary.json"));
    assertEquals(2, (int) number(summary, "customers"));
    assertEquals(1, (int) number(summary, "lines_without_customer"));
    assertEquals(2, SharedSpark.get().read().parquet(dir.resolve("rfm/features").toString()).count());
    check(job("rfm", "--transactions", dir.resolve("none.csv").toString(), "--out", dir.resolve("r2").toString()), "none.csv does not exist");
    check(job("rfm", "--transactions", tx.toString(), "--preset", "bogus", "--out", dir.resolve("r3").toString()), "bogus");
  }

  @Test
  void badInputIsExitTwoNamingWhatIsWrong() throws IOException {
    Path csv = Files.writeString(dir.resolve("t.csv"), "id,a,b,name\nC1,1,2,x\nC2,3,4,y\nC3,5,6,z\n");
    String out = dir.resolve("o").toString();
    check(job("kmeans", "--input", dir.resolve("nope.parquet").toString(), "--k", "2", "--out", out), "nope.parquet does not exist");
    check(job("kmeans", "--input", csv.toString(), "--k", "2", "--format", "orc", "--out", out), "--format: 'orc'");
    check(job("kmeans", "--input", csv.toString(), "--k", "2", "--columns", "a,name", "--out", out), "'name'");
    check(job("kmeans", "--input", csv.toString(), "--k", "2", "--id-column", "customer", "--out", out), "column 'customer' is not in the input");
    check(job("kmeans", "--input", csv.toString(), "--k", "9", "--id-column", "id", "--out", out), "k = 9 is larger than the number of rows (3)");
    check(job("kmeans", "--input", csv.toString(), "--k", "2", "--init", "bogus", "--out", out), "--init: 'bogus'");
    check(job("kmeans", "--input", csv.toString(), "--k", "2", "--mini-batch", "--batch-size", "0", "--out", out), "--batch-size must be >= 1, got 0");
  }

  private static void check(Out o, String words) {
    assertEquals(2, o.status(), o.out() + o.err());
    assertTrue(o.err().contains(words), "expected '" + words + "' in: " + o.err());
    assertTrue(!o.err().contains("\tat "), "no stack trace: " + o.err());
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE+]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
