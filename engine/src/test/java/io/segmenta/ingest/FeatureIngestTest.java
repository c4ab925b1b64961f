package io.segmenta.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.cli.SegmentCli;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import io.segmenta.kernels.JvmFlags;
import io.segmenta.store.FeatureStore;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureIngestTest {
  @TempDir Path tmp;

  @Test
  void skipPolicyCountsAndKeepsMalformedRows() throws Exception {
    Path csv = tmp.resolve("f.csv");
    Files.writeString(csv, "id,a,b\n1,1,2\n2,x,3\n3,4\n4,5,6\n5,NaN,1\n");
    Path rejects = tmp.resolve("rej.csv");
    FeatureIngest.Report r = FeatureIngest.run(csv, TableOptions.DEFAULTS.withIdColumn("id"), TableReader.Malformed.SKIP, rejects,
        tmp.resolve("s"), false, b -> {});
    assertEquals(2, r.rows());
    assertEquals(3, r.rejected());
    List<String> lines = Files.readAllLines(rejects);
    assertEquals(4, lines.size());
    assertTrue(lines.get(1).startsWith("3,") && lines.get(1).contains("'x' is not a number"), lines.get(1));
    assertTrue(lines.get(2).startsWith("4,") && lines.get(2).contains("ragged"), lines.get(2));
    assertTrue(lines.get(3).startsWith("6,") && lines.get(3).contains("NaN"), lines.get(3));
    try (FeatureStore s = FeatureStore.open(tmp.resolve("s"))) {
      assertEquals(2, s.rows());
      assertEquals(1, s.rowOf("4"));
      assertEquals(6f, s.matrix().get(1, 1));
    }
  }

  @Test
  void failPolicyNamesFileLineAndReasonAndLeavesNoStore() throws Exception {
    Path csv = tmp.resolve("f.csv");
    Files.writeString(csv, "id,a\n1,1\n2,oops\n");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> FeatureIngest.run(csv,
        TableOptions.DEFAULTS.withIdColumn("id"), TableReader.Malformed.FAIL, tmp.resolve("r.csv"), tmp.resolve("s"), false, b -> {}));
    assertTrue(e.getMessage().contains("f.csv, line 3") && e.getMessage().contains("'oops'"), e.getMessage());
    assertThrows(InvalidInputException.class, () -> FeatureStore.open(tmp.resolve("s")));
  }

  /** The memory point: 5,000,000 rows through a JVM with a 256 MB heap. */
  @Test
  void ingestsFiveMillionRowsUnderA256MegabyteHeap() throws Exception {
    Path csv = tmp.resolve("big.csv");
    int n = 5_000_000;
    try (BufferedWriter w = Files.newBufferedWriter(csv)) {
      w.write("customer,recency,frequency,monetary\n");
      StringBuilder sb = new StringBuilder(64);
      for (int i = 0; i < n; i++) {
        sb.setLength(0);
        sb.append('C').append(i).append(',').append(i % 365).append(',').append(i % 17 + 1).append(',').append((i % 1000) * 1.5).append('\n');
        w.append(sb);
      }
    }
    Path store = tmp.resolve("store");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JvmFlags.all());
    cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), SegmentCli.class.getName(), "ingest",
        "--input", csv.toString(), "--id-column", "customer", "--store", store.toString(), "--progress", "never"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("5000000 rows ingested"), out);
    Files.delete(csv);
    try (FeatureStore s = FeatureStore.open(store)) {
      assertEquals(n, s.rows());
      assertEquals(4_999_999, s.rowOf("C4999999"));
      assertEquals((4_999_999 % 1000) * 1.5f, s.matrix().get(4_999_999, 2));
    }
  }

  @Test
  void cliIngestKmeansOnTheStoreThenLookup() throws Exception {
    Path csv = tmp.resolve("c.csv");
    StringBuilder sb = new StringBuilder("id,x,y\n");
    for (int i = 0; i < 300; i++) sb.append("u").append(i).append(',').append(i % 3 * 100 + i % 7 * 0.1).append(',').append(i % 3).append('\n');
    Files.writeString(csv, sb.toString());
    Path store = tmp.resolve("st");
    assertEquals(0, cli("ingest", "--input", csv.toString(), "--id-column", "id", "--store", store.toString(), "--progress", "never")[0].length());
    String[] k = cli("kmeans", "--store", store.toString(), "--k", "3", "--seed", "1", "--out", tmp.resolve("out").toString(), "--progress", "never");
    assertTrue(k[1].contains("published to") && k[1].contains("version 1"), k[1]);
    List<String> asg = Files.readAllLines(tmp.resolve("out/assignments.csv"));
    assertTrue(asg.get(1).startsWith("u0,"), asg.get(1));
    String seg0 = asg.get(1).split(",")[1];
    String seg3 = asg.get(4).split(",")[1];
    String[] l = cli("lookup", "--store", store.toString(), "--id", "u0,u3");
    assertEquals("id,segment,distance,version", l[0].lines().findFirst().orElseThrow());
    assertTrue(l[0].contains("u0," + seg0 + ",") && l[0].contains("u3," + seg3 + ","), l[0]);
    assertEquals(seg0, seg3, "u0 and u3 are in the same planted group");
    StringWriter err = new StringWriter();
    assertEquals(4, SegmentCli.run(new String[] {"lookup", "--store", store.toString(), "--id", "nobody"}, new PrintWriter(new StringWriter()),
        new PrintWriter(err, true)));
    assertTrue(err.toString().contains("'nobody' is not in run 1"), err.toString());
  }

  private static String[] cli(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = SegmentCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    return new String[] {out.toString(), err.toString()};
  }
}
