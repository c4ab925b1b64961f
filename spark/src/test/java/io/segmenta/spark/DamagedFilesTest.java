package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 18 for {@code segment spark}: damaged files as they come, through the real job on a real local Spark. Each row is
 * the file, the job, the exit code and the words stderr must contain; never exit 1 or a stack trace.
 */
class DamagedFilesTest {
  @TempDir static Path dir;

  record Case(String name, String file, byte[] bytes, String job, List<String> args, int code, List<String> words) {
    @Override public String toString() { return job + ": " + name; }
  }

  static Case bad(String name, String file, byte[] bytes, String job, List<String> args, String... words) {
    return new Case(name, file, bytes, job, args, 2, List.of(words));
  }

  static Case ok(String name, String file, byte[] bytes, String job, List<String> args) {
    return new Case(name, file, bytes, job, args, 0, List.of());
  }

  static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(o)) {
      g.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return o.toByteArray();
  }

  static final String GOOD = "id,a,b\nc1,1,2\nc2,3,4\nc3,5,6\nc4,7,8\n";
  static final String TX = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

  static Stream<Case> cases() {
    byte[] gz = gzip(b(GOOD + "c5,9,10\n".repeat(5000)));
    byte[] txGz = gzip(b(TX + "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850,UK\n".repeat(5000)));
    List<String> km = List.of("--k", "2", "--id-column", "id", "--backend", "cpu", "--seed", "1");
    return Stream.of(
        bad("corrupt Parquet", "t.parquet", b("PAR1 this is not a parquet file PAR1"), "kmeans", km, "FILE", "not a Parquet file"),
        bad("truncated gzip", "t.csv.gz", Arrays.copyOf(gz, gz.length / 2), "kmeans", km, "FILE", "truncated"),
        bad("duplicate column names", "t.csv", b("id,a,A\nc1,1,2\nc2,3,4\n"), "kmeans", km, "FILE", "'A' twice", "columns 2 and 3"),
        bad("empty column name", "t.csv", b("id,,b\nc1,1,2\nc2,3,4\n"), "kmeans", km, "FILE", "column 2 has no name"),
        bad("not a number in a column of numbers", "t.csv", b("id,a,b\nc1,1,2\nc2,x,4\nc3,5,6\n"), "kmeans", km, "FILE", "column 'a'", "'x'"),
        ok("UTF-8 BOM", "t.csv", cat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b(GOOD)), "kmeans", km),
        ok("CRLF line ends", "t.csv", b(GOOD.replace("\n", "\r\n")), "kmeans", km),
        ok("a text column is left out, and said so", "t.csv", b("id,a,b,name\nc1,1,2,x\nc2,3,4,y\nc3,5,6,z\n"), "kmeans", km),
        bad("a directory with no data", "empty", null, "kmeans", km, "FILE"),
        bad("rfm: truncated gzip", "tx.csv.gz", Arrays.copyOf(txGz, txGz.length / 2), "rfm", List.of(), "FILE", "truncated"),
        bad("rfm: date in an unknown layout", "tx.csv", b(TX + "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850,UK\n"
            + "536366,85123A,X,6,01/12/2010 08:28,2.55,17851,UK\n"), "rfm", List.of(), "InvoiceDate", "timestamp pattern", "1 malformed"),
        bad("rfm: not a number, skipped, nothing left", "tx.csv", b(TX + "536365,85123A,X,six,2010-12-01 08:26:00,2.55,17850,UK\n"), "rfm",
            List.of("--on-error", "skip"), "no usable line", "1 lines with a customer id are malformed", "not a finite number"),
        bad("rfm: missing column", "tx.csv", b("InvoiceNo,StockCode\n1,2\n"), "rfm", List.of(), "CustomerID"));
  }

  static byte[] cat(byte[] a, byte[] c) {
    byte[] r = Arrays.copyOf(a, a.length + c.length);
    System.arraycopy(c, 0, r, a.length, c.length);
    return r;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void damagedFileIsExitTwoNamingIt(Case c) throws IOException {
    Path d = dir.resolve(c.name().replaceAll("[^A-Za-z0-9]+", "-"));
    Files.createDirectories(d);
    Path f = d.resolve(c.file());
    if (c.bytes() == null) Files.createDirectories(f);
    else Files.write(f, c.bytes());
    List<String> a = new ArrayList<>(List.of(c.job(), c.job().equals("rfm") ? "--transactions" : "--input", f.toString(), "--out", d.resolve("out").toString()));
    a.addAll(c.args());
    StringWriter o = new StringWriter(), e = new StringWriter();
    int code;
    try {
      code = SegmentJob.run(SharedSpark.get(), a.toArray(String[]::new), new PrintWriter(o, true), new PrintWriter(e, true));
    } catch (RuntimeException x) {
      throw new AssertionError("escaped the job as " + x, x);
    }
    String err = e.toString();
    String shown = "exit " + code + "\nstderr:\n" + err;
    assertEquals(c.code(), code, shown);
    assertFalse(err.contains("\tat ") || err.contains("Exception:"), "no stack trace or exception class: " + shown);
    for (String w : c.words()) assertTrue(err.contains(w.replace("FILE", c.file())), "stderr names '" + w + "': " + shown);
    if (c.name().startsWith("a text column")) assertTrue(err.contains("left out of the features (not numeric): name (string)"), shown);
  }

  /** --on-error skip: the malformed line is counted in summary.json and written to rejects/, the others make the features. */
  @org.junit.jupiter.api.Test
  void skippedLinesAreCountedAndWritten() throws IOException {
    Path d = dir.resolve("skip");
    Files.createDirectories(d);
    Path f = Files.writeString(d.resolve("tx.csv"), TX + "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850,UK\n"
        + "536366,85123A,X,6,01/12/2010 08:28,2.55,17851,UK\n536367,85123A,X,2,2010-12-02 08:26:00,2.55,17851,UK\n");
    StringWriter o = new StringWriter(), e = new StringWriter();
    int code = SegmentJob.run(SharedSpark.get(), new String[] {"rfm", "--transactions", f.toString(), "--on-error", "skip", "--out", d.resolve("out").toString()},
        new PrintWriter(o, true), new PrintWriter(e, true));
    assertEquals(0, code, e.toString());
    assertTrue(o.toString().contains("1 malformed excluded"), o.toString());
    assertTrue(Files.readString(d.resolve("out/summary.json")).contains("\"lines_rejected\": 1"));
    List<org.apache.spark.sql.Row> rejects = SharedSpark.get().read().parquet(d.resolve("out/rejects").toString()).collectAsList();
    assertEquals(1, rejects.size());
    assertEquals("536366", rejects.get(0).getAs("InvoiceNo"));
    assertEquals(2, SharedSpark.get().read().parquet(d.resolve("out/features").toString()).count(), "both customers, 17851 from its good line");
  }
}
