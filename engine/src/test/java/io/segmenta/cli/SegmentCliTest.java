package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.Segmenta;
import io.segmenta.kmeans.KMeansModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentCliTest {
  static final Path MALL = Path.of("..", "datasets", "mall-customers", "Mall_Customers.csv");

  @TempDir Path dir;

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SegmentCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private Outcome kmeans(Path input, String... extra) {
    List<String> a = new ArrayList<>(List.of("kmeans", "--input", input.toString(), "--out", dir.resolve("out").toString(), "--progress", "never"));
    a.addAll(Arrays.asList(extra));
    return run(a.toArray(String[]::new));
  }

  /** The README's main job. The five Mall Customers segments are a widely published answer. */
  @Test
  void mainJobOnMallCustomersFindsThePublishedFiveSegments() throws IOException {
    Path out = dir.resolve("mall");
    Outcome o = run("kmeans", "--input", MALL.toString(), "--id-column", "CustomerID",
        "--columns", "Annual Income (k$),Spending Score (1-100)", "--k", "5", "--n-init", "10", "--seed", "1",
        "--scale", "standard", "--out", out.toString(), "--progress", "never");
    assertEquals(0, o.code(), o.err());

    List<String> centroids = Files.readAllLines(out.resolve("centroids.csv"));
    assertEquals("segment,size,Annual Income (k$),Spending Score (1-100)", centroids.get(0));
    // (income, score, size) of the published solution, in any order.
    double[][] expected = {{55.30, 49.52, 81}, {86.54, 82.13, 39}, {25.73, 79.36, 22}, {88.20, 17.11, 35}, {26.30, 20.91, 23}};
    boolean[] matched = new boolean[5];
    for (String line : centroids.subList(1, centroids.size())) {
      String[] f = line.split(",");
      double inc = Double.parseDouble(f[2]), score = Double.parseDouble(f[3]);
      long size = Long.parseLong(f[1]);
      for (int e = 0; e < 5; e++) {
        if (Math.abs(expected[e][0] - inc) < 0.01 && Math.abs(expected[e][1] - score) < 0.01 && expected[e][2] == size) matched[e] = true;
      }
    }
    for (int e = 0; e < 5; e++) assertTrue(matched[e], "published centroid " + Arrays.toString(expected[e]) + " in " + centroids);

    List<String> asg = Files.readAllLines(out.resolve("assignments.csv"));
    assertEquals("id,segment,distance", asg.get(0));
    assertEquals(201, asg.size());
    assertTrue(asg.get(1).startsWith("0001,"), asg.get(1));

    String summary = Files.readString(out.resolve("summary.json"));
    for (String field : List.of("algorithm", "k", "n", "d", "inertia", "iterations", "converged", "backend", "device", "seconds")) {
      assertTrue(summary.contains("\"" + field + "\": "), "summary has " + field + ": " + summary);
    }
    assertTrue(summary.contains("\"k\": 5,") && summary.contains("\"n\": 200,") && summary.contains("\"d\": 2,"), summary);

    KMeansModel m = Segmenta.loadModel(out.resolve("model.segm"));
    assertEquals(List.of("Annual Income (k$)", "Spending Score (1-100)"), m.columns());

    // predict with the saved model gives the training assignments back.
    Path pred = dir.resolve("pred");
    Outcome p = run("predict", "--model", out.resolve("model.segm").toString(), "--input", MALL.toString(),
        "--id-column", "CustomerID", "--out", pred.toString(), "--progress", "never");
    assertEquals(0, p.code(), p.err());
    List<String> predicted = Files.readAllLines(pred.resolve("assignments.csv"));
    assertEquals(asg.size(), predicted.size());
    for (int i = 0; i < asg.size(); i++) {
      String[] a = asg.get(i).split(","), b = predicted.get(i).split(",");
      assertEquals(a[0], b[0]);
      assertEquals(a[1], b[1], "row " + i);
    }
  }

  @Test
  void givenInitialCentroidsFileAndWeights() throws IOException {
    Path data = write("d.csv", "id,x,y,w\n1,0,0,1\n2,0,1,1\n3,10,10,2\n4,10,11,0\n");
    Path init = write("init.csv", "x,y\n0,0\n10,10\n");
    Outcome o = kmeans(data, "--id-column", "id", "--weight-column", "w", "--columns", "x,y", "--k", "2", "--init", init.toString());
    assertEquals(0, o.code(), o.err());
    List<String> c = Files.readAllLines(dir.resolve("out/centroids.csv"));
    assertEquals("0,2,0.0,0.5", c.get(1));
    assertEquals("1,2,10.0,10.0", c.get(2)); // row 4 has weight 0
    Path badInit = write("bad.csv", "x,y\n0,0\n");
    Outcome b = kmeans(data, "--columns", "x,y", "--k", "2", "--init", badInit.toString());
    assertEquals(2, b.code());
    assertTrue(b.err().contains("1 centroids for --k 2"), b.err());
  }

  @Test
  void progressBarsDrawOnStderrWhenAsked() throws IOException {
    Path data = write("p.csv", "x\n1\n2\n3\n10\n11\n12\n");
    Outcome o = run("kmeans", "--input", data.toString(), "--k", "2", "--out", dir.resolve("o").toString(), "--progress", "always");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("K-Means") && o.err().contains("100%"), o.err());
  }

  private void assertBadInput(Outcome o, String... fragments) {
    assertEquals(2, o.code(), o.err());
    for (String f : fragments) assertTrue(o.err().contains(f), "'" + f + "' in: " + o.err());
  }

  @Test
  void nanAndInfinityExitTwoNamingLineAndColumn() throws IOException {
    assertBadInput(kmeans(write("n.csv", "a,b\n1,2\n3,nan\n"), "--k", "1"), "line 3", "column 'b'", "NaN");
    assertBadInput(kmeans(write("i.csv", "a,b\n1,-Infinity\n2,2\n"), "--k", "1"), "line 2", "column 'b'", "not finite");
  }

  @Test
  void emptyFileAndHeaderOnlyExitTwo() throws IOException {
    assertBadInput(kmeans(write("e.csv", ""), "--k", "1"), "is empty");
    assertBadInput(kmeans(write("h.csv", "a,b\n"), "--k", "1"), "header but no data rows");
  }

  @Test
  void raggedRowsAndNonNumericCellsExitTwo() throws IOException {
    assertBadInput(kmeans(write("r.csv", "a,b\n1,2\n3,4,5\n"), "--k", "1"), "line 3", "3 fields", "ragged");
    assertBadInput(kmeans(write("x.csv", "a,b\n1,2\n3,four\n"), "--k", "1"), "line 3", "column 'b'", "'four' is not a number");
  }

  @Test
  void unknownColumnExitsTwoListingTheColumns() throws IOException {
    Path p = write("u.csv", "a,b\n1,2\n3,4\n");
    assertBadInput(kmeans(p, "--k", "1", "--columns", "a,c"), "column 'c' not found", "a, b");
    assertBadInput(kmeans(p, "--k", "1", "--id-column", "customer"), "id column 'customer' not found");
  }

  @Test
  void badKExitsTwoNamingK() throws IOException {
    Path p = write("k.csv", "a\n1\n1\n2\n");
    assertBadInput(kmeans(p, "--k", "0"), "k must be >= 1");
    assertBadInput(kmeans(p, "--k", "3"), "k = 3", "distinct rows", "(2)");
  }

  @Test
  void negativeWeightExitsTwo() throws IOException {
    assertBadInput(kmeans(write("w.csv", "a,w\n1,1\n2,-1\n"), "--k", "1", "--weight-column", "w"), "line 3", "column 'w'", "negative");
  }

  @Test
  void badUsageExitsTwo() throws IOException {
    Path p = write("ok.csv", "a\n1\n2\n");
    assertBadInput(run("kmeans", "--input", p.toString(), "--out", dir.toString()), "--k");
    assertBadInput(kmeans(p, "--k", "two"), "--k");
    assertBadInput(kmeans(p, "--k", "1", "--backend", "tpu"), "--backend", "tpu");
    assertBadInput(kmeans(p, "--k", "1", "--scale", "log"), "--scale");
    assertBadInput(kmeans(p, "--k", "1", "--init", "farthest-first"), "--init");
    assertBadInput(kmeans(p, "--k", "1", "--max-iter", "0"), "max-iter");
    assertBadInput(kmeans(p, "--k", "1", "--tol", "-1"), "tol");
    assertBadInput(kmeans(p, "--k", "1", "--progress", "sometimes"), "--progress");
    assertBadInput(kmeans(dir.resolve("missing.csv"), "--k", "1"), "no such file");
    assertBadInput(kmeans(p, "--k", "1", "--bogus"), "--bogus");
    assertBadInput(run("predict", "--model", p.toString(), "--input", p.toString(), "--out", dir.resolve("x").toString()),
        "not a Segmenta model file");
  }

  @Test
  void unavailableBackendExitsThreeWithAReason() throws IOException {
    Path p = write("ok.csv", "a\n1\n2\n");
    Outcome o = kmeans(p, "--k", "1", "--backend", "cuda");
    assertEquals(3, o.code(), o.err());
    assertTrue(o.err().toLowerCase().contains("cuda"), o.err());
  }

  @Test
  void helpAndVersionExitZero() {
    Outcome h = run("kmeans", "--help");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("--n-init") && h.out().contains("summary.json"), h.out());
    assertEquals(0, run("--version").code());
  }

  /** The README's main job on a small synthetic log: transactions to features to segments to a lookup. */
  @Test
  void kmeansStraightFromATransactionLog() throws IOException {
    Path log = dir.resolve("tx.csv.gz");
    Path truth = dir.resolve("truth.csv");
    assertEquals(0, run("generate", "--rows", "3000", "--segments", "3", "--seed", "5", "--transactions", log.toString(),
        "--truth", truth.toString()).code());
    Path out = dir.resolve("seg");
    Outcome o = run("kmeans", "--transactions", log.toString(), "--preset", "online-retail", "--k", "3", "--auto-log1p", "1",
        "--scale", "standard", "--n-init", "5", "--seed", "1", "--out", out.toString(), "--progress", "never");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("-> 3000 customers x 8 features"), o.err());
    assertTrue(o.out().startsWith("segment name") && o.out().lines().count() == 4, "a named table of the 3 segments: " + o.out());
    assertTrue(Files.readString(out.resolve("segments.md")).contains("| segment | name | customers | share |"));
    assertTrue(Files.readAllLines(out.resolve("profiles.csv")).size() == 1 + 3 * 4, "mean, median, z, percentile per segment");
    String summary = Files.readString(out.resolve("summary.json"));
    assertTrue(summary.contains("\"n\": 3000,") && summary.contains("\"log1p_columns\": [\"recency_days\""), summary);
    Outcome l = run("lookup", "--store", out.resolve("store").toString(), "--id", "10000");
    assertEquals(0, l.code(), l.err());
    assertTrue(l.out().contains("10000,"), l.out());
    assertEquals(2, run("kmeans", "--transactions", log.toString(), "--k", "3", "--out", out.toString()).code(), "--preset is required");

    // Recommendations: the segment's characteristic products that customer 10000 has not bought.
    Outcome rec = run("recommend", "--store", out.resolve("store").toString(), "--id", "10000", "--n", "5");
    assertEquals(0, rec.code(), rec.err());
    List<String> recLines = rec.out().lines().toList();
    assertEquals("id,segment,rank,product,description,lift,share", recLines.get(0));
    assertTrue(recLines.size() > 1, rec.out());
    java.util.Set<String> bought = new java.util.HashSet<>();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(Files.newInputStream(log))))) {
      in.lines().skip(1).map(row -> row.split(",")).filter(f -> f[6].equals("10000") && !f[0].startsWith("C")).forEach(f -> bought.add(f[1]));
    }
    assertFalse(bought.isEmpty());
    double lastLift = Double.POSITIVE_INFINITY;
    for (String line : recLines.subList(1, recLines.size())) {
      String[] f = line.split(",");
      assertFalse(bought.contains(f[3]), "recommended " + f[3] + ", which 10000 already bought");
      double lift = Double.parseDouble(f[5]);
      assertTrue(lift <= lastLift, "best first");
      lastLift = lift;
    }
    assertEquals(4, run("recommend", "--store", out.resolve("store").toString(), "--id", "nobody").code());
    assertTrue(Files.readString(out.resolve("segments.md")).contains("## Early warning"));
    assertTrue(Files.exists(out.resolve("at-risk.csv")));

    Path auto = dir.resolve("auto");
    Outcome a = run("kmeans", "--transactions", log.toString(), "--preset", "online-retail", "--k", "auto:2-6", "--auto-log1p", "1",
        "--scale", "standard", "--n-init", "3", "--seed", "1", "--out", auto.toString(), "--progress", "never");
    assertEquals(0, a.code(), a.err());
    assertTrue(a.err().contains("chosen by the elbow"), a.err());
    assertTrue(Files.exists(auto.resolve("charts/elbow.png")) && Files.exists(auto.resolve("charts/elbow.svg")));
    assertTrue(Files.readString(auto.resolve("summary.json")).contains("\"k_selection\""));
    // A second run into the same place compares with the first: the migration matrix covers every customer.
    Outcome again = run("kmeans", "--transactions", log.toString(), "--preset", "online-retail", "--k", "3", "--auto-log1p", "1",
        "--scale", "standard", "--n-init", "3", "--seed", "2", "--out", auto.toString(), "--progress", "never");
    assertEquals(0, again.code(), again.err());
    String md = Files.readString(auto.resolve("segments.md"));
    assertTrue(md.contains("## Migration since the previous run") && md.contains("Customers new in this run: 0."), md);
    assertEquals(2, run("kmeans", "--input", log.toString(), "--k", "lots", "--out", auto.toString()).code());
  }
}
