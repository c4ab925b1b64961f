package io.segmenta.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.EngineOptions;
import io.segmenta.InvalidInputException;
import io.segmenta.Segmenta;
import io.segmenta.data.Dataset;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kmeans.Init;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KMeansPipelineTest {
  @TempDir Path tmp;

  /** Three skewed blobs with ids, so that log1p and scaling both do something. */
  private Path table() throws Exception {
    Random rnd = new Random(7);
    StringBuilder sb = new StringBuilder("id,spend,visits,age\n");
    double[][] centres = {{20, 2, 30}, {400, 10, 45}, {3000, 30, 60}};
    for (int i = 0; i < 600; i++) {
      double[] c = centres[i % 3];
      sb.append(String.format(Locale.ROOT, "c%d,%.3f,%.3f,%.3f%n", i, c[0] * Math.exp(0.3 * rnd.nextGaussian()),
          c[1] * Math.exp(0.3 * rnd.nextGaussian()), c[2] + 3 * rnd.nextGaussian()));
    }
    Path f = tmp.resolve("customers.csv");
    Files.writeString(f, sb);
    return f;
  }

  private static final TableOptions OPTS = TableOptions.DEFAULTS.withIdColumn("id");
  private static final EngineOptions CPU = EngineOptions.DEFAULTS.withBackend(BackendChoice.CPU);

  @Test
  void runMatchesTheEngineCalledDirectlyAndTimesEveryPhase() throws Exception {
    Path in = table();
    Path out = tmp.resolve("run");
    KMeansJob job = KMeansJob.builder(new Source.Table(in, OPTS), out).k(3).nInit(3).seed(5).scale(ScaleMethod.STANDARD)
        .log1p(Log1p.auto(1.0)).engine(CPU).build();
    List<String> notes = new java.util.ArrayList<>();
    KMeansRun run = new KMeansPipeline(job, new RunEvents() {
      @Override public void note(String s) { notes.add(s); }
    }).run();

    // The oracle: the facade on the same rows, preprocessing fitted inside K-Means.
    Dataset data = TableReader.read(in, OPTS);
    KMeansResult direct;
    try (Segmenta engine = Segmenta.open(CPU)) {
      direct = engine.kmeans(data, KMeansParams.builder(3).nInit(3).seed(5).scale(ScaleMethod.STANDARD).log1p(Log1p.auto(1.0)).build());
    }
    assertArrayEquals(direct.labels(), run.result().labels());
    assertArrayEquals(direct.distances(), run.result().distances());
    assertEquals(direct.model().inertia(), run.result().model().inertia());

    List<String> lines = Files.readAllLines(out.resolve("assignments.csv"));
    assertEquals("id,segment,distance", lines.get(0));
    assertEquals(601, lines.size());
    assertTrue(lines.get(1).startsWith("c0," + direct.labels()[0] + ","), lines.get(1));
    for (String f : List.of("centroids.csv", "segments.md", "profiles.csv", "report.html", "model.segm", "charts/segment-sizes.png")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertEquals(3, run.profiles().size());
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("report written to ")), notes.toString());
    assertEquals(-1, run.publishedVersion());

    String summary = Files.readString(out.resolve("summary.json"));
    var phases = run.phases().snapshot();
    assertEquals(List.of("jvm_start_to_main", "read", "preprocess", "fit", "insights", "charts", "report", "publish", "write"),
        List.copyOf(phases.keySet()));
    for (String k : List.of("read", "preprocess", "fit", "insights", "charts", "report", "write")) {
      assertTrue(phases.get(k) > 0, k + " = " + phases.get(k));
      assertTrue(summary.contains("\"" + k + "\": "), k);
    }
    assertEquals(0.0, phases.get("publish"));
    assertTrue(summary.contains("\"phases\": {\"jvm_start_to_main\": "), summary);
    // The insights' parts, timed inside the phase: together at most the phase.
    var parts = run.phases().parts();
    double inInsights = 0;
    for (String k : List.of("profiles", "top_products", "early_warning_and_migration", "silhouette", "cluster_scores")) {
      assertTrue(parts.containsKey("insights." + k), k + " in " + parts);
      inInsights += parts.get("insights." + k);
    }
    assertTrue(inInsights <= phases.get("insights") + 1e-9, inInsights + " > " + phases.get("insights"));
    assertTrue(parts.get("charts.sizes") > 0, parts.toString());
    assertTrue(summary.contains("\"phase_parts\": {\"fit.open_engine\": "), summary);
    assertTrue(summary.contains("\"insights.profiles\": "), summary);
  }

  @Test
  void sweepKeepsTheElbowsKAndGivenRowsNeedNoFile() throws Exception {
    Dataset data = TableReader.read(table(), OPTS);
    Path out = tmp.resolve("sweep");
    KMeansRun run = new KMeansPipeline(KMeansJob.builder(new Source.Rows(data, Path.of("memory")), out).kRange(2, 6).seed(3)
        .scale(ScaleMethod.STANDARD).engine(CPU).build(), null).run();
    int k = run.result().model().k();
    try (Segmenta engine = Segmenta.open(CPU)) {
      KMeansResult direct = engine.kmeans(data, KMeansParams.builder(k).seed(3).scale(ScaleMethod.STANDARD).build());
      assertArrayEquals(direct.labels(), run.result().labels());
    }
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"k_selection\": \"elbow of the inertia curve (Kneedle) over k = 2..6\""));
    assertTrue(Files.isRegularFile(out.resolve("charts/elbow.png")));
  }

  @Test
  void invalidRequestsNameTheField() {
    Source s = new Source.Store(tmp.resolve("store"));
    Path out = tmp.resolve("o");
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansJob.builder(s, out).kRange(4, 2).build()).getMessage().contains("kMax"));
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansJob.builder(s, out).kRange(2, 5).miniBatch(true).build())
        .getMessage().contains("--mini-batch"));
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansJob.builder(s, out).kRange(2, 5).initialCentroids(tmp.resolve("c.csv"))
        .build()).getMessage().contains("initial centroids"));
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansJob.builder(s, out).k(2).init(Init.RANDOM).miniBatch(true).build())
        .getMessage().contains("--mini-batch"));
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansJob.builder(s, out).k(2).maxIter(0).build()).getMessage().contains("max-iter"));
    assertTrue(assertThrows(InvalidInputException.class, () -> KMeansJob.builder(s, out).k(2).riskMultiple(0).build())
        .getMessage().contains("riskMultiple"));
    assertTrue(assertThrows(InvalidInputException.class, () -> new Source.Transactions(tmp.resolve("log.csv"), "nope")).getMessage().contains("nope"));
    assertTrue(assertThrows(InvalidInputException.class, () -> new Source.Transactions(tmp.resolve("log.csv"), null)).getMessage().contains("preset"));
  }

  @Test
  void aFailedRunLeavesNoOutputs() throws Exception {
    Path out = tmp.resolve("failed");
    KMeansJob job = KMeansJob.builder(new Source.Table(table(), OPTS), out).k(601).engine(CPU).build();
    assertThrows(InvalidInputException.class, () -> new KMeansPipeline(job, null).run());
    assertFalse(Files.exists(out.resolve("summary.json")));
  }
}
