package io.segmenta.cli;

import static org.junit.jupiter.api.Assertions.*;

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
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 18: the real CLI, in-process, on real damaged files. One table per entry point; each row is the
 * file (written under a temp dir), the exit code, and the words stderr must contain. Every bad case must be
 * exit 2 with no stack trace; exit 1 ("unexpected failure") is for bugs only.
 *
 * <p>Decisions documented here: a leading {@code +} is accepted ({@code +5} is 5, as Double.parseDouble
 * reads it). A quoted number with a thousands separator ({@code "1,234.5"}) is not a number in a CSV file:
 * exit 2 naming line and column. A shrinking file is staged in TableReaderTest (it needs a second writer
 * during the read, which the CLI test cannot time deterministically).
 */
class BadInputTableTest {
  @TempDir static Path dir;

  record Outcome(int code, String out, String err) {}

  /** One row of a table: name, the file's bytes (or a path maker), the extra arguments, exit code, words. */
  record Case(String name, String file, byte[] bytes, List<String> args, int code, List<String> words) {
    @Override public String toString() { return name; }
  }

  static Case bad(String name, String file, byte[] bytes, List<String> args, String... words) {
    return new Case(name, file, bytes, args, 2, List.of(words));
  }

  static Case ok(String name, String file, byte[] bytes, List<String> args, String... outputWords) {
    return new Case(name, file, bytes, args, 0, List.of(outputWords));
  }

  static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) o.writeBytes(p);
    return o.toByteArray();
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(o)) {
      g.write(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return o.toByteArray();
  }

  static final byte[] GOOD = b("id,a,b\nc1,1,2\nc2,3,4\nc3,5,6\n");

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SegmentCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  static Path place(Case c) throws IOException {
    if (c.file().startsWith("/")) return Path.of(c.file());
    Path p = dir.resolve(c.name().replaceAll("[^A-Za-z0-9]+", "-")).resolve(c.file());
    Files.createDirectories(p.getParent());
    if (c.bytes() != null) Files.write(p, c.bytes());
    else Files.createDirectories(p);
    return p;
  }

  static void check(Case c, Outcome o, Path file) {
    String shown = "exit " + o.code() + "\nstderr:\n" + o.err();
    assertEquals(c.code(), o.code(), shown);
    assertNotEquals(SegmentCli.EXIT_FAILURE, o.code(), shown);
    assertFalse(o.err().contains("unexpected failure"), shown);
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception:"), "no stack trace or exception class: " + shown);
    if (c.code() == 2) {
      for (String w : c.words()) assertTrue(o.err().contains(w.replace("FILE", file.getFileName().toString())), "stderr names '" + w + "': " + shown);
    }
  }

  // ---- segment kmeans --input (feature tables: CSV, TSV, gzip, zstd, Parquet) ----

  static List<String> kmeansArgs(String... more) {
    List<String> a = new ArrayList<>(List.of("--id-column", "id", "--k", "1", "--n-init", "1", "--seed", "1", "--backend", "scalar"));
    a.addAll(Arrays.asList(more));
    return a;
  }

  static Stream<Case> featureTables() {
    byte[] gz = gzip(cat(GOOD, b("c4,7,8\n".repeat(2000))));
    byte[] longLine = cat(b("id,a,b\nc1,1,"), b("9".repeat(1_100_000)), b("\nc2,1,2\n"));
    return Stream.of(
        // text damage
        bad("duplicate column names", "t.csv", b("id,a,a\nc1,1,2\n"), kmeansArgs(), "FILE", "'a'", "1", "2"),
        bad("empty column name", "t.csv", b("id,,b\nc1,1,2\n"), kmeansArgs(), "FILE", "column 2"),
        bad("UTF-16 file", "t.csv", cat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "id,a\nc1,1\n".getBytes(StandardCharsets.UTF_16LE)), kmeansArgs(), "FILE", "UTF-16"),
        bad("unclosed quote", "t.csv", b("id,a,b\nc1,\"1,2\nc2,3,4\n"), kmeansArgs(), "FILE", "line 2", "quote"),
        bad("line over 1 MB", "t.csv", longLine, kmeansArgs(), "FILE", "line 2"),
        bad("non-UTF-8 bytes in the header", "t.csv", cat(b("id,a"), new byte[] {(byte) 0xFF, (byte) 0xFE}, b(",b\nc1,1,2\n")), kmeansArgs(), "FILE", "line 1", "UTF-8"),
        bad("non-UTF-8 bytes in an id", "t.csv", cat(b("id,a,b\nc"), new byte[] {(byte) 0xC3, (byte) 0x28}, b(",1,2\n")), kmeansArgs(), "FILE", "line 2", "UTF-8"),
        bad("empty id", "t.csv", b("id,a,b\nc1,1,2\n,3,4\n"), kmeansArgs(), "FILE", "line 3", "id"),
        bad("id column all blanks", "t.csv", b("id,a,b\n ,1,2\n ,3,4\n"), kmeansArgs(), "FILE", "line 2", "id"),
        bad("not a number", "t.csv", b("id,a,b\nc1,1,2\nc2,x,4\n"), kmeansArgs(), "FILE", "line 3", "'a'", "x"),
        bad("thousands separator (quoted)", "t.csv", b("id,a,b\nc1,\"1,234.5\",2\nc2,3,4\n"), kmeansArgs(), "FILE", "line 2", "'a'", "1,234.5"),
        bad("missing column", "t.csv", GOOD, kmeansArgs("--columns", "a,nope"), "nope"),
        bad("a directory", "t.csv", null, kmeansArgs(), "FILE", "directory"),
        bad("a device (never ends)", "/dev/zero", null, kmeansArgs(), "/dev/zero"),
        bad("an empty device", "/dev/null", null, kmeansArgs(), "/dev/null"),
        bad("no such file", "gone.csv", new byte[0], kmeansArgs(), "FILE"),
        // compressed damage
        bad("truncated gzip", "t.csv.gz", Arrays.copyOf(gz, gz.length / 2), kmeansArgs(), "FILE", "byte"),
        bad("corrupt gzip", "t.csv.gz", cat(Arrays.copyOf(gz, 10), b("this is not deflate data at all")), kmeansArgs(), "FILE"),
        bad("truncated zstd", "t.csv.zst", new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0x24, 0x10}, kmeansArgs(), "FILE"),
        bad("corrupt zstd", "t.csv.zst", cat(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, b("garbage garbage garbage garbage")), kmeansArgs(), "FILE"),
        // Parquet and SQL (through DuckDB)
        bad("truncated parquet", "t.parquet", b("PAR1\0\0\0garbage"), kmeansArgs(), "FILE"),
        // parse correctly
        ok("UTF-8 BOM", "t.csv", cat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, GOOD), kmeansArgs(), "3.00000", "4.00000"),
        ok("quoted fields with newlines and separators", "t.csv", b("\"id\",\"a\",b\n\"c,1\",1,2\n\"c\n2\",3,4\nc3,5,6\n"), kmeansArgs(), "3.00000", "4.00000"),
        ok("CRLF line ends", "t.csv", b("id,a,b\r\nc1,1,2\r\nc2,3,4\r\nc3,5,6\r\n"), kmeansArgs(), "3.00000", "4.00000"),
        ok("lone CR line ends", "t.csv", b("id,a,b\rc1,1,2\rc2,3,4\rc3,5,6\r"), kmeansArgs(), "3.00000", "4.00000"),
        ok("leading plus", "t.csv", b("id,a,b\nc1,+1,2\nc2,+3,4\nc3,5,6\n"), kmeansArgs(), "3.00000", "4.00000"),
        ok("TSV", "t.tsv", b("id\ta\tb\nc1\t1\t2\nc2\t3\t4\nc3\t5\t6\n"), kmeansArgs(), "3.00000", "4.00000"));
  }

  @ParameterizedTest(name = "kmeans --input: {0}")
  @MethodSource("featureTables")
  void featureTable(Case c) throws IOException {
    Path f = place(c);
    if (c.name().equals("no such file")) Files.delete(f);
    List<String> a = new ArrayList<>(List.of("kmeans", "--input", f.toString(), "--out", f.getParent().resolve("out").toString(), "--progress", "never"));
    a.addAll(c.args());
    Outcome o = run(a.toArray(String[]::new));
    check(c, o, f);
    if (c.code() == 0) {
      String centroids = Files.readString(f.getParent().resolve("out").resolve("centroids.csv"));
      for (String w : c.words()) assertTrue(centroids.contains(w) || centroids.contains(w.replaceAll("0+$", "")), w + " in " + centroids);
      String asg = Files.readString(f.getParent().resolve("out").resolve("assignments.csv"));
      assertTrue(asg.startsWith("id,segment,distance\n"), asg);
      assertEquals(3, asg.split(",0,", -1).length - 1, "three rows in segment 0: " + asg);
      if (c.name().startsWith("quoted")) assertTrue(asg.contains("\"c,1\",0,") && asg.contains("\"c\n2\",0,"), "ids kept whole: " + asg);
    }
  }

  static Stream<Case> sqlQueries() {
    return Stream.of(
        bad("syntax error", "SELEC 1", null, List.of(), "syntax"),
        bad("missing table", "SELECT * FROM no_such_table", null, List.of(), "no_such_table"));
  }

  @ParameterizedTest(name = "kmeans --sql: {0}")
  @MethodSource("sqlQueries")
  void sql(Case c) {
    Outcome o = run("kmeans", "--sql", c.file(), "--k", "1", "--out", dir.resolve("sqlout").toString(), "--progress", "never");
    check(c, o, Path.of("x"));
  }

  // ---- segment rfm and segment kmeans --transactions (transaction logs) ----

  static final String TX_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

  static Stream<Case> transactionLogs() {
    return Stream.of(
        bad("date in an unknown layout", "tx.csv", b(TX_HEADER + "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850,UK\n536366,85123A,X,6,01/12/2010 08:28,2.55,17851,UK\n"),
            List.of(), "FILE", "line 3", "InvoiceDate", "01/12/2010 08:28", "yyyy-MM-dd HH:mm:ss"),
        bad("not a number", "tx.csv", b(TX_HEADER + "536365,85123A,X,six,2010-12-01 08:26:00,2.55,17850,UK\n"), List.of(), "FILE", "line 2", "Quantity", "six"),
        bad("missing column", "tx.csv", b("InvoiceNo,StockCode\n1,2\n"), List.of(), "FILE", "CustomerID"),
        bad("duplicate column names", "tx.csv", b("InvoiceNo,InvoiceNo,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"), List.of(), "FILE", "InvoiceNo"),
        bad("truncated gzip", "tx.csv.gz", Arrays.copyOf(gzip(b(TX_HEADER + "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850,UK\n".repeat(3000))), 400), List.of(), "FILE"),
        bad("a directory", "tx.csv", null, List.of(), "FILE"),
        bad("UTF-16 file", "tx.csv", cat(new byte[] {(byte) 0xFF, (byte) 0xFE}, TX_HEADER.getBytes(StandardCharsets.UTF_16LE)), List.of(), "FILE", "UTF-16"));
  }

  @ParameterizedTest(name = "rfm --input: {0}")
  @MethodSource("transactionLogs")
  void rfm(Case c) throws IOException {
    Path f = place(c);
    Outcome o = run("rfm", "--input", f.toString(), "--store", f.getParent().resolve("store").toString(), "--preset", "online-retail", "--progress", "never");
    check(c, o, f);
  }

  @ParameterizedTest(name = "kmeans --transactions: {0}")
  @MethodSource("transactionLogs")
  void kmeansTransactions(Case c) throws IOException {
    Path f = place(new Case(c.name() + " (kmeans)", c.file(), c.bytes(), c.args(), c.code(), c.words()));
    Outcome o = run("kmeans", "--transactions", f.toString(), "--preset", "online-retail", "--k", "1", "--out", f.getParent().resolve("out").toString(), "--progress", "never");
    check(c, o, f);
  }

  // ---- segment predict --model, segment lookup --store ----

  static Stream<Case> modelFiles() {
    return Stream.of(
        bad("garbage model", "model.segm", b("this is not a model\n"), List.of(), "FILE"),
        bad("empty model", "model.segm", new byte[0], List.of(), "FILE"),
        bad("truncated model", "model.segm", null, List.of(), "FILE"),
        bad("wrong version", "model.segm", null, List.of(), "FILE", "version"),
        bad("model is a directory", "model.segm", null, List.of(), "FILE"));
  }

  /** A real model file (fitted once) that the truncated and wrong-version cases damage. */
  static byte[] realModel() throws IOException {
    Path f = dir.resolve("fit").resolve("t.csv");
    Files.createDirectories(f.getParent());
    Files.write(f, GOOD);
    Path out = f.getParent().resolve("out");
    if (!Files.exists(out.resolve("model.segm"))) {
      Outcome o = run("kmeans", "--input", f.toString(), "--id-column", "id", "--k", "1", "--out", out.toString(), "--progress", "never");
      assertEquals(0, o.code(), o.err());
    }
    return Files.readAllBytes(out.resolve("model.segm"));
  }

  @ParameterizedTest(name = "predict --model: {0}")
  @MethodSource("modelFiles")
  void predict(Case c) throws IOException {
    byte[] model = realModel();
    byte[] bytes = switch (c.name()) {
      case "truncated model" -> Arrays.copyOf(model, model.length / 2);
      case "wrong version" -> {
        byte[] v = model.clone();
        // The format version follows the 4-byte magic; a far-future version must be named, not misread.
        v[4] = 0x7F; v[5] = 0x7F; v[6] = 0x7F; v[7] = 0x7F;
        yield v;
      }
      default -> c.bytes();
    };
    Path f = place(new Case(c.name(), c.file(), c.name().contains("directory") ? null : bytes, c.args(), c.code(), c.words()));
    Path in = f.getParent().resolve("in.csv");
    Files.write(in, GOOD);
    Outcome o = run("predict", "--model", f.toString(), "--input", in.toString(), "--id-column", "id", "--out", f.getParent().resolve("out").toString(), "--progress", "never");
    check(c, o, f);
  }

  static Stream<Case> stores() {
    return Stream.of(
        bad("missing store", "nostore", new byte[0], List.of(), "FILE"),
        bad("half-written store", "store", null, List.of(), "FILE", "half-written"),
        bad("store is a file", "store", b("not a store"), List.of(), "FILE"));
  }

  @ParameterizedTest(name = "lookup --store: {0}")
  @MethodSource("stores")
  void lookup(Case c) throws IOException {
    Path f = place(c);
    if (c.name().equals("missing store")) Files.delete(f);
    if (c.name().equals("half-written store")) {
      // A real ingest's files, with its commit marker taken away: what a crash mid-ingest leaves.
      Path tx = f.getParent().resolve("tx.csv");
      Files.writeString(tx, TX_HEADER + "536365,85123A,X,6,2010-12-01 08:26:00,2.55,17850,UK\n");
      Files.delete(f);
      Outcome made = run("rfm", "--input", tx.toString(), "--store", f.toString(), "--preset", "online-retail", "--engine", "java", "--progress", "never");
      assertEquals(0, made.code(), made.err());
      HalfWritten.uncommit(f);
    }
    Outcome o = run("lookup", "--store", f.toString(), "--id", "17850");
    check(c, o, f);
  }

  /** --missing drop: the count on stderr and in summary.json, the rows themselves in OUT/dropped.csv. */
  @Test
  void droppedRowsAreCountedAndWritten() throws IOException {
    Path f = dir.resolve("drop").resolve("t.csv");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "id,a,b\nc1,1,2\nc2,,4\nc3,5,6\nc4,7,NA\n");
    Path out = f.getParent().resolve("out");
    Outcome o = run("kmeans", "--input", f.toString(), "--id-column", "id", "--k", "1", "--missing", "drop", "--out", out.toString(), "--progress", "never");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("2 rows with missing values dropped") && o.err().contains("dropped.csv"), o.err());
    String summary = Files.readString(out.resolve("summary.json"));
    assertTrue(summary.contains("\"dropped_rows\": 2"), summary);
    assertTrue(summary.contains("dropped.csv"), summary);
    List<String> dropped = Files.readAllLines(out.resolve("dropped.csv"));
    assertEquals(3, dropped.size(), dropped.toString());
    assertTrue(dropped.get(1).startsWith("3,") && dropped.get(1).contains("c2"), dropped.toString());
    assertTrue(dropped.get(2).startsWith("5,") && dropped.get(2).contains("c4"), dropped.toString());

    // --dropped FILE puts them elsewhere; a clean read writes no file at all.
    Path elsewhere = f.getParent().resolve("rows-left-out.csv");
    Outcome o2 = run("kmeans", "--input", f.toString(), "--id-column", "id", "--k", "1", "--missing", "drop", "--dropped", elsewhere.toString(),
        "--out", f.getParent().resolve("out2").toString(), "--progress", "never");
    assertEquals(0, o2.code(), o2.err());
    assertEquals(3, Files.readAllLines(elsewhere).size());
    assertFalse(Files.exists(f.getParent().resolve("out2").resolve("dropped.csv")));
  }

  /**
   * Decimal commas in a semicolon transaction log: not yet read by segment rfm (its --format takes auto, csv, tsv or
   * whitespace); today the value is refused, exit 2, naming the file, line, column and value. Issue 18 leaves this open.
   */
  @Test
  void semicolonTransactionLogWithDecimalCommasIsNamedClearly() throws IOException {
    Path f = dir.resolve("semi").resolve("tx.csv");
    Files.createDirectories(f.getParent());
    Files.writeString(f, TX_HEADER.replace(',', ';') + "536365;85123A;X;2;2010-12-01 08:26:00;12,50;17850;UK\n");
    Path store = f.getParent().resolve("store");
    Outcome o = run("rfm", "--input", f.toString(), "--store", store.toString(), "--preset", "online-retail", "--format", "semicolon", "--progress", "never");
    check(bad("decimal comma", "tx.csv", null, List.of(), "FILE", "line 2", "UnitPrice", "'12,50'"), o, f);
  }

  /** Exit 1 is reserved for bugs: not one case of any table reaches it. */
  @Test
  void noCaseOfAnyTableIsAnUnexpectedFailure() {
    long cases = Stream.of(featureTables(), sqlQueries(), transactionLogs(), modelFiles(), stores()).flatMap(Function.identity())
        .filter(c -> c.code() == SegmentCli.EXIT_FAILURE).count();
    assertEquals(0, cases);
    assertEquals(2, SegmentCli.EXIT_USAGE);
  }

  /** How a crash mid-ingest is staged: the store's commit marker is removed. */
  static final class HalfWritten {
    static void uncommit(Path store) throws IOException {
      Files.delete(store.resolve("COMMIT"));
    }
  }
}
