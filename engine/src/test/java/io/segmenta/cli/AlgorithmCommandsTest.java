package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.EngineOptions;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.density.Dbscan;
import io.segmenta.hierarchy.Hierarchical;
import io.segmenta.hierarchy.Linkage;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.metrics.ClusterScores;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * segment gmm, dbscan, hierarchical, evaluate and elbow on Mall Customers (income and spending
 * score, z-scaled): exit codes, the output files, and their content against the library calls
 * they stand for.
 */
class AlgorithmCommandsTest {
  static final String MALL = SegmentCliTest.MALL.toString();
  static final String[] IN = {"--input", MALL, "--id-column", "CustomerID", "--columns", "Annual Income (k$),Spending Score (1-100)",
      "--scale", "standard", "--progress", "never", "--backend", "cpu"};

  @TempDir static Path dir;
  static Dataset scaled;

  @BeforeAll
  static void data() throws Exception {
    Dataset d = TableReader.read(SegmentCliTest.MALL, TableOptions.DEFAULTS.withColumns(List.of("Annual Income (k$)", "Spending Score (1-100)"))
        .withIdColumn("CustomerID"));
    scaled = FeatureScaling.fit(ScaleMethod.STANDARD, Log1p.NONE, d).apply(d);
  }

  static SegmentCliTest.Outcome run(String cmd, Path out, String... extra) {
    String[] a = new String[2 + IN.length + 2 + extra.length];
    a[0] = cmd;
    System.arraycopy(IN, 0, a, 1, IN.length);
    a[1 + IN.length] = "--out";
    a[2 + IN.length] = out.toString();
    System.arraycopy(extra, 0, a, 3 + IN.length, extra.length);
    a = java.util.Arrays.stream(a).filter(java.util.Objects::nonNull).toArray(String[]::new);
    return SegmentCliTest.run(a);
  }

  static int[] segments(Path assignments) throws Exception {
    List<String> lines = Files.readAllLines(assignments);
    int[] out = new int[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) out[i - 1] = Integer.parseInt(lines.get(i).split(",")[1]);
    return out;
  }

  static String summary(Path out) throws Exception {
    return Files.readString(out.resolve("summary.json"));
  }

  @Test
  void gmmWritesAssignmentsComponentsAndTheLikelihoodFields() throws Exception {
    Path out = dir.resolve("gmm");
    SegmentCliTest.Outcome o = run("gmm", out, "--k", "auto:2-8", "--seed", "0");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("lowest BIC"), o.err());
    String s = summary(out);
    for (String f : List.of("\"log_likelihood\"", "\"bic\"", "\"aic\"", "\"lower_bound\"", "\"covariance_type\": \"full\"", "\"k\": 5")) {
      assertTrue(s.contains(f), f + " in " + s);
    }
    assertEquals(8, Files.readAllLines(out.resolve("bic.csv")).size(), "header + k = 2..8");
    assertEquals(6, Files.readAllLines(out.resolve("components.csv")).size());
    List<String> a = Files.readAllLines(out.resolve("assignments.csv"));
    assertEquals("id,segment,probability", a.get(0));
    assertEquals(201, a.size());
    for (String line : a.subList(1, a.size())) {
      double p = Double.parseDouble(line.split(",")[2]);
      assertTrue(p >= 1.0 / 5 && p <= 1, line);
    }
  }

  @Test
  void dbscanLabelsAreTheLibrarysAndNoiseIsCounted() throws Exception {
    Path out = dir.resolve("dbscan");
    SegmentCliTest.Outcome o = run("dbscan", out, "--eps", "0.3", "--min-pts", "5");
    assertEquals(0, o.code(), o.err());
    Dbscan.Result r = Dbscan.fit(scaled, 0.3, 5);
    assertArrayEquals(r.labels(), segments(out.resolve("assignments.csv")));
    long noise = java.util.Arrays.stream(r.labels()).filter(l -> l < 0).count();
    assertTrue(noise > 0);
    assertTrue(summary(out).contains("\"noise\": " + noise), summary(out));
  }

  @Test
  void hierarchicalWritesScipysLinkageAndTheCut() throws Exception {
    Path out = dir.resolve("hier");
    SegmentCliTest.Outcome o = run("hierarchical", out, "--k", "5", "--linkage", "average");
    assertEquals(0, o.code(), o.err());
    double[][] z = Hierarchical.linkage(scaled, Linkage.AVERAGE);
    List<String> l = Files.readAllLines(out.resolve("linkage.csv"));
    assertEquals("a,b,height,size", l.get(0));
    assertEquals(z.length + 1, l.size());
    for (int i = 0; i < z.length; i++) assertEquals(z[i][2], Double.parseDouble(l.get(i + 1).split(",")[2]), 0.0, "height " + i);
    assertArrayEquals(Hierarchical.cut(z, 5), segments(out.resolve("assignments.csv")));

    SegmentCliTest.Outcome big = run("hierarchical", dir.resolve("hier-big"), "--k", "5", "--max-rows", "100");
    assertEquals(2, big.code());
    assertTrue(big.err().contains("--max-rows 100") && big.err().contains("--micro-clusters"), big.err());
    SegmentCliTest.Outcome two = run("hierarchical", dir.resolve("hier-two"), "--k", "5", "--max-rows", "100", "--micro-clusters", "40");
    assertEquals(0, two.code(), two.err());
    assertTrue(summary(dir.resolve("hier-two")).contains("two-stage: 40 weighted K-Means micro-clusters"));
  }

  @Test
  void evaluateGivesTheLibrarysMetricsAndAgreementWithReferenceLabels() throws Exception {
    Path h = dir.resolve("eval-labels");
    assertEquals(0, run("hierarchical", h, "--k", "5").code());
    Path out = dir.resolve("eval");
    SegmentCliTest.Outcome o = run("evaluate", out, "--labels", h.resolve("assignments.csv").toString(), "--truth",
        h.resolve("assignments.csv").toString());
    assertEquals(0, o.code(), o.err());
    int[] labels = segments(h.resolve("assignments.csv"));
    String s = summary(out);
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 2))) {
      assertTrue(s.contains("\"silhouette\": " + engine.silhouette(scaled, labels)), s);
    }
    assertTrue(s.contains("\"calinski_harabasz\": " + ClusterScores.calinskiHarabasz(scaled, labels)), s);
    assertTrue(s.contains("\"davies_bouldin\": " + ClusterScores.daviesBouldin(scaled, labels)), s);
    assertTrue(s.contains("\"adjusted_rand_index\": 1.0") && s.contains("\"normalized_mutual_info\": 1.0"), s);
    Path bad = dir.resolve("short.csv");
    Files.writeString(bad, "id,segment\n0001,1\n");
    SegmentCliTest.Outcome b = run("evaluate", dir.resolve("eval-bad"), "--labels", bad.toString());
    assertEquals(2, b.code());
    assertTrue(b.err().contains("1 labelled rows, the data has 200"), b.err());
  }

  @Test
  void elbowChoosesKByEachRule() throws Exception {
    for (String rule : List.of("inertia", "silhouette", "bic")) {
      Path out = dir.resolve("elbow-" + rule);
      SegmentCliTest.Outcome o = run("elbow", out, "--k", "2-8", "--rule", rule);
      assertEquals(0, o.code(), o.err());
      assertTrue(Files.exists(out.resolve("charts").resolve("elbow.png")));
      List<String> csv = Files.readAllLines(out.resolve("elbow.csv"));
      assertEquals(8, csv.size());
      String s = summary(out);
      // On these two columns the silhouette and BIC rules agree with the published answer, k = 5.
      if (!rule.equals("inertia")) {
        assertTrue(s.contains("\"chosen_k\": 5"), rule + ": " + s);
      } else {
        // The knee of the written curve, by the library's Kneedle rule.
        List<io.segmenta.kmeans.ChooseK.Point> curve = new java.util.ArrayList<>();
        for (String line : csv.subList(1, csv.size())) {
          String[] f = line.split(",");
          curve.add(new io.segmenta.kmeans.ChooseK.Point(Integer.parseInt(f[0]), Double.parseDouble(f[1]), null));
        }
        assertTrue(s.contains("\"chosen_k\": " + io.segmenta.kmeans.ChooseK.elbow(curve) + ","), s);
      }
    }
  }

  /**
   * Every algorithm command writes model.segm, and segment predict on the training rows gives the
   * training labels back (DBSCAN: every core point's; border points may take another neighbouring
   * cluster's label, as they may in DBSCAN itself, and noise stays noise).
   */
  @Test
  void everyAlgorithmWritesAModelThatPredictsItsOwnRows() throws Exception {
    String[][] fits = {{"gmm", "--k", "5"}, {"hierarchical", "--k", "5"}, {"dbscan", "--eps", "0.3", "--min-pts", "5"}};
    for (String[] f : fits) {
      Path out = dir.resolve("model-" + f[0]);
      SegmentCliTest.Outcome o = run(f[0], out, java.util.Arrays.copyOfRange(f, 1, f.length));
      assertEquals(0, o.code(), o.err());
      assertTrue(Files.exists(out.resolve("model.segm")), f[0]);
      Path pred = dir.resolve("pred-" + f[0]);
      SegmentCliTest.Outcome p = SegmentCliTest.run("predict", "--model", out.resolve("model.segm").toString(), "--input", MALL, "--id-column",
          "CustomerID", "--out", pred.toString(), "--progress", "never", "--backend", "cpu");
      assertEquals(0, p.code(), p.err());
      int[] fitted = segments(out.resolve("assignments.csv")), predicted = segments(pred.resolve("assignments.csv"));
      if (f[0].equals("dbscan")) {
        List<String> lines = Files.readAllLines(out.resolve("assignments.csv"));
        for (int i = 0; i < fitted.length; i++) {
          boolean core = lines.get(i + 1).endsWith(",1");
          if (core || fitted[i] < 0) assertEquals(fitted[i], predicted[i], "row " + i + (core ? " (core)" : " (noise)"));
          else assertTrue(predicted[i] >= 0, "a border row stays in a cluster: row " + i);
        }
      } else if (f[0].equals("hierarchical")) {
        // New rows go to the nearest cluster mean: most training rows keep their cluster.
        int same = 0;
        for (int i = 0; i < fitted.length; i++) if (fitted[i] == predicted[i]) same++;
        assertTrue(same >= fitted.length * 0.9, same + " of " + fitted.length);
      } else {
        assertArrayEquals(fitted, predicted, f[0]);
      }
      assertTrue(Files.readString(pred.resolve("summary.json")).contains("\"model_algorithm\""));
    }
  }
}
