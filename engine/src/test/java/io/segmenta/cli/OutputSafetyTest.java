package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.kernels.JvmFlags;
import io.segmenta.pipeline.RunDir;
import io.segmenta.store.FileAccess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs and files: a run killed before its outputs are in place leaves the previous ones intact; a
 * directory with unrelated files is not written into without --force; stores, model files and
 * outputs are readable by their owner only unless configured.
 */
class OutputSafetyTest {
  @TempDir Path dir;

  static final String[] MALL = {"--input", SegmentCliTest.MALL.toString(), "--id-column", "CustomerID", "--columns",
      "Annual Income (k$),Spending Score (1-100)", "--progress", "never", "--backend", "cpu"};

  static String[] args(String cmd, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of(cmd));
    a.addAll(List.of(MALL));
    a.addAll(List.of("--out", out.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void aRunKilledBeforeItsOutputsAreInPlaceLeavesThePreviousOnes() throws Exception {
    Path out = dir.resolve("run");
    assertEquals(0, SegmentCliTest.run(args("kmeans", out, "--k", "3", "--seed", "1")).code());
    byte[] before = Files.readAllBytes(out.resolve("assignments.csv"));
    String summary = Files.readString(out.resolve("summary.json"));

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JvmFlags.all());
    cmd.add("-D" + RunDir.PAUSE_PROPERTY + "=60000");
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SegmentCli.class.getName()));
    cmd.addAll(List.of(args("kmeans", out, "--k", "5", "--seed", "2")));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String line;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      while ((line = r.readLine()) != null && !line.startsWith("staged ")) {
        // wait until every new output is written, but not yet in place
      }
      assertNotNull(line, "the child staged its outputs");
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    Path staged = Path.of(line.substring("staged ".length()));
    assertTrue(Files.exists(staged.resolve("assignments.csv")), "the killed run had written its new outputs");
    assertArrayEquals(before, Files.readAllBytes(out.resolve("assignments.csv")), "the previous assignments are intact");
    assertEquals(summary, Files.readString(out.resolve("summary.json")));

    // The next run removes the leftovers and puts its outputs in place.
    assertEquals(0, SegmentCliTest.run(args("kmeans", out, "--k", "4", "--seed", "3")).code());
    assertFalse(Files.exists(staged), "the killed run's staging directory is cleaned up");
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"k\": 4"));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(out), s.toList(), "nothing else is left beside the output directory");
    }
  }

  @Test
  void aDirectoryWithUnrelatedFilesNeedsForce() throws Exception {
    Path out = dir.resolve("mine");
    Files.createDirectories(out);
    Files.writeString(out.resolve("thesis.tex"), "precious");
    SegmentCliTest.Outcome o = SegmentCliTest.run(args("gmm", out, "--k", "3"));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--force") && o.err().contains("no Segmenta run wrote"), o.err());
    assertEquals("precious", Files.readString(out.resolve("thesis.tex")));
    assertEquals(0, SegmentCliTest.run(args("gmm", out, "--k", "3", "--force")).code());
    assertFalse(Files.exists(out.resolve("thesis.tex")), "--force replaces the directory's contents");
    assertTrue(Files.exists(out.resolve("summary.json")));
    // A directory a run wrote is replaced without --force.
    assertEquals(0, SegmentCliTest.run(args("dbscan", out, "--eps", "5")).code());
    assertTrue(Files.readString(out.resolve("summary.json")).contains("dbscan"));
  }

  @Test
  void storesModelsAndOutputsAreTheOwnersAlone() throws Exception {
    Path out = dir.resolve("perm");
    assertEquals(0, SegmentCliTest.run(args("kmeans", out, "--k", "3")).code());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("model.segm"))));
    Path store = dir.resolve("store");
    SegmentCliTest.Outcome ing = SegmentCliTest.run("ingest", "--input", SegmentCliTest.MALL.toString(), "--id-column", "CustomerID",
        "--columns", "Annual Income (k$),Spending Score (1-100)", "--store", store.toString(), "--progress", "never");
    assertEquals(0, ing.code(), ing.err());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
    System.setProperty(FileAccess.GROUP_READABLE, "true");
    try {
      Path shared = dir.resolve("shared");
      assertEquals(0, SegmentCliTest.run(args("kmeans", shared, "--k", "3")).code());
      assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
      assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("model.segm"))));
    } finally {
      System.clearProperty(FileAccess.GROUP_READABLE);
    }
  }
}
