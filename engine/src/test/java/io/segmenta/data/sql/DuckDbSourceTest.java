package io.segmenta.data.sql;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.cli.SegmentCli;
import io.segmenta.data.Dataset;
import io.segmenta.data.MissingValues;
import io.segmenta.data.TableOptions;
import io.segmenta.data.TableReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet and SQL sources, against the text reader on the same values. Every Parquet file here is
 * written by DuckDB itself (COPY ... TO), so the files are what real tools write.
 */
class DuckDbSourceTest {
  @TempDir static Path dir;
  static Path csv, parquet, parquet32, parts;
  static final int N = 3000, D = 6;

  static DuckDbSettings settings() {
    return DuckDbSettings.defaults().withThreads(2).withTempRoot(dir.resolve("duck")).withMemoryLimitBytes(512L << 20);
  }

  static void sql(String... statements) {
    try (DuckDb db = DuckDb.open(settings()); Statement st = db.connection().createStatement()) {
      for (String s : statements) st.execute(s);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  static String lit(Path p) {
    return DuckDb.literal(p.toString());
  }

  /** Four blobs in six columns with five decimals, ids c1..cN, written as CSV and then by DuckDB as Parquet. */
  @BeforeAll
  static void files() throws IOException {
    SplittableRandom r = new SplittableRandom(16);
    StringBuilder sb = new StringBuilder("id");
    for (int j = 1; j <= D; j++) sb.append(",f").append(j);
    sb.append(",w\n");
    for (int i = 0; i < N; i++) {
      int c = r.nextInt(4);
      sb.append('c').append(i + 1);
      for (int j = 0; j < D; j++) sb.append(String.format(Locale.ROOT, ",%.5f", (c * 3 + j % 3) + r.nextGaussian() * 0.7));
      sb.append(String.format(Locale.ROOT, ",%.3f\n", 2 * r.nextDouble()));
    }
    csv = dir.resolve("blobs.csv");
    Files.writeString(csv, sb);
    parquet = dir.resolve("blobs.parquet");
    parquet32 = dir.resolve("blobs32.parquet");
    parts = dir.resolve("parts");
    Files.createDirectories(parts);
    StringBuilder floats = new StringBuilder("id");
    for (int j = 1; j <= D; j++) floats.append(", f").append(j).append("::FLOAT AS f").append(j);
    floats.append(", w::FLOAT AS w");
    // Small row groups and three files: a parallel scan must still give the rows in file order.
    sql("CREATE TABLE t AS SELECT * FROM read_csv(" + lit(csv) + ")",
        "COPY t TO " + lit(parquet) + " (FORMAT parquet, ROW_GROUP_SIZE 256)",
        "COPY (SELECT " + floats + " FROM t) TO " + lit(parquet32) + " (FORMAT parquet, ROW_GROUP_SIZE 256)",
        "COPY (SELECT * FROM t LIMIT 1000) TO " + lit(parts.resolve("part-0.parquet")) + " (FORMAT parquet, ROW_GROUP_SIZE 128)",
        "COPY (SELECT * FROM t LIMIT 1000 OFFSET 1000) TO " + lit(parts.resolve("part-1.parquet")) + " (FORMAT parquet, ROW_GROUP_SIZE 128)",
        "COPY (SELECT * FROM t OFFSET 2000) TO " + lit(parts.resolve("part-2.parquet")) + " (FORMAT parquet, ROW_GROUP_SIZE 128)");
    Files.writeString(parts.resolve("README.txt"), "not a Parquet file: ignored");
  }

  record Outcome(int code, String out, String err) {}

  static Outcome cli(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = SegmentCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  static Outcome kmeans(Path out, String... source) {
    List<String> a = new ArrayList<>(List.of("kmeans", "--k", "4", "--seed", "7", "--n-init", "2", "--id-column", "id", "--progress", "never",
        "--backend", "cpu", "--weight-column", "w", "--out", out.toString()));
    a.addAll(Arrays.asList(source));
    return cli(a.toArray(String[]::new));
  }

  @Test
  void parquetGivesTheSameAssignmentsAndCentroidsBitForBitAsCsv() throws IOException {
    Outcome ref = kmeans(dir.resolve("out-csv"), "--input", csv.toString());
    assertEquals(0, ref.code(), ref.err());
    byte[] asg = Files.readAllBytes(dir.resolve("out-csv/assignments.csv"));
    byte[] cen = Files.readAllBytes(dir.resolve("out-csv/centroids.csv"));
    assertEquals(N + 1, Files.readAllLines(dir.resolve("out-csv/assignments.csv")).size());
    String[][] sources = {
        {"--input", parquet.toString()},
        {"--input", parquet32.toString()},
        {"--input", parts.toString()},
        {"--sql", "SELECT * FROM read_parquet(" + lit(parquet) + ") ;"}};
    for (int s = 0; s < sources.length; s++) {
      Path out = dir.resolve("out-" + s);
      Outcome o = kmeans(out, sources[s]);
      assertEquals(0, o.code(), String.join(" ", sources[s]) + ": " + o.err());
      assertArrayEquals(asg, Files.readAllBytes(out.resolve("assignments.csv")), "assignments.csv from " + String.join(" ", sources[s]));
      assertArrayEquals(cen, Files.readAllBytes(out.resolve("centroids.csv")), "centroids.csv from " + String.join(" ", sources[s]));
    }
  }

  @Test
  void theMatrixIdsAndWeightsAreTheTextReadersBits() {
    // Columns by case-insensitive name and by number, in an order of their own.
    TableOptions o = TableOptions.DEFAULTS.withIdColumn("ID").withWeightColumn("w").withColumns(List.of("f3", "2", "F5"));
    Dataset text = TableReader.read(csv, o);
    for (Path p : List.of(parquet, parquet32, parts)) {
      Dataset pq = DuckDbSource.readParquet(p, o, settings()).data();
      assertSameBits(text, pq, p.toString());
    }
    Dataset q = DuckDbSource.readSql("SELECT * FROM read_csv(" + lit(csv) + ")", o, settings()).data();
    assertSameBits(text, q, "--sql over the CSV");
  }

  static void assertSameBits(Dataset a, Dataset b, String what) {
    assertEquals(a.columns(), b.columns(), what);
    assertEquals(a.rows(), b.rows(), what);
    assertArrayEquals(a.ids(), b.ids(), what);
    assertArrayEquals(a.weights(), b.weights(), what);
    for (long i = 0; i < a.rows(); i++) {
      for (int j = 0; j < a.cols(); j++) {
        if (Float.floatToRawIntBits(a.matrix().get(i, j)) != Float.floatToRawIntBits(b.matrix().get(i, j))) {
          fail(what + ": row " + (i + 1) + ", column " + a.columns().get(j) + ": " + a.matrix().get(i, j) + " vs " + b.matrix().get(i, j));
        }
      }
    }
  }

  /** NULLs in Parquet are the text reader's empty cells: the same rows dropped, the same fill values, the same bits. */
  @Test
  void missingValuesFollowEachPolicyAsInText() throws IOException {
    Path text = dir.resolve("holes.csv");
    Files.writeString(text, "id,a,b\nx1,1.5,2\nx2,,4\nx3,3.25,\nx4,7,8.5\nx5,,\nx6,0.1,0.3\n");
    Path pq = dir.resolve("holes.parquet");
    sql("COPY (SELECT * FROM read_csv(" + lit(text) + ")) TO " + lit(pq) + " (FORMAT parquet)");
    for (String policy : List.of("drop", "mean", "median", "constant:-1.5")) {
      TableOptions o = TableOptions.DEFAULTS.withIdColumn("id").withMissing(MissingValues.parse(policy));
      TableReader.Read t = TableReader.readWithReport(text, o, b -> {});
      DuckDbSource.Read p = DuckDbSource.readParquet(pq, o, settings());
      assertSameBits(t.data(), p.data(), policy);
      assertEquals(t.missing().droppedRows(), p.missing().droppedRows(), policy);
      assertArrayEquals(t.missing().missingPerColumn(), p.missing().missingPerColumn(), policy);
      assertArrayEquals(t.missing().fillValues(), p.missing().fillValues(), policy);
    }
    DuckDbSource.Read drop = DuckDbSource.readParquet(pq, TableOptions.DEFAULTS.withIdColumn("id").withMissing(MissingValues.parse("drop")), settings());
    assertArrayEquals(new String[] {"x1", "x4", "x6"}, drop.data().ids());
    assertEquals(3, drop.missing().droppedRows());
  }

  /** A bad-input case: the command line, and the words the message must hold. */
  record Bad(String what, List<String> args, List<String> words) {}

  @Test
  void badInputIsExitTwoNamingWhatIsWrong() throws IOException {
    byte[] good = Files.readAllBytes(parquet);
    Path truncated = dir.resolve("truncated.parquet");
    Files.write(truncated, Arrays.copyOf(good, good.length / 2));
    Path corrupt = dir.resolve("corrupt.parquet");
    byte[] c = good.clone();
    int footer = ByteBuffer.wrap(c, c.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Arrays.fill(c, c.length - 8 - footer + 10, c.length - 8 - footer + 60, (byte) 0xff); // the footer's metadata
    Files.write(corrupt, c);
    Path textNamedParquet = dir.resolve("text.parquet");
    Files.copy(csv, textNamedParquet);
    Path names = dir.resolve("names.parquet");
    Path nulls = dir.resolve("nulls.parquet");
    Path huge = dir.resolve("huge.parquet");
    sql("COPY (SELECT 'c' || range AS id, range::DOUBLE AS a, 'n' || range AS label FROM range(5)) TO " + lit(names) + " (FORMAT parquet)",
        "COPY (SELECT 'c' || range AS id, CASE WHEN range = 3 THEN NULL ELSE range END::DOUBLE AS a FROM range(5)) TO " + lit(nulls) + " (FORMAT parquet)",
        "COPY (SELECT 'c' || range AS id, CASE WHEN range = 2 THEN 1e39 ELSE range END::DOUBLE AS a FROM range(5)) TO " + lit(huge) + " (FORMAT parquet)");
    Path emptyDir = dir.resolve("no-parquet");
    Files.createDirectories(emptyDir);
    Path missingFile = dir.resolve("nope.parquet");
    List<Bad> cases = List.of(
        new Bad("truncated Parquet", List.of("--input", truncated.toString()), List.of(truncated.toString(), "truncated or corrupt", "magic bytes")),
        new Bad("corrupt Parquet footer", List.of("--input", corrupt.toString()), List.of(corrupt.toString(), "not a readable Parquet file")),
        new Bad("text named .parquet", List.of("--input", textNamedParquet.toString()), List.of(textNamedParquet.toString(), "not a readable Parquet file")),
        new Bad("no such Parquet file", List.of("--input", missingFile.toString()), List.of(missingFile.toString(), "no such file")),
        new Bad("directory without Parquet", List.of("--input", emptyDir.toString()), List.of(emptyDir.toString(), "no .parquet files")),
        new Bad("missing column", List.of("--input", parquet.toString(), "--columns", "f1,nope"), List.of("column 'nope' not found", "f1, f2")),
        new Bad("missing id column", List.of("--input", names.toString(), "--id-column", "customer"), List.of("id column 'customer' not found")),
        new Bad("non-numeric column", List.of("--input", names.toString(), "--id-column", "id"), List.of(names.toString(), "column 'label'", "VARCHAR", "not a number")),
        new Bad("NULL under --missing fail", List.of("--input", nulls.toString(), "--id-column", "id"), List.of(nulls.toString(), "row 4", "column 'a'", "missing value (NULL)")),
        new Bad("beyond float32", List.of("--input", huge.toString(), "--id-column", "id"), List.of(huge.toString(), "row 3", "column 'a'", "not finite in float32")),
        new Bad("--header on Parquet", List.of("--input", parquet.toString(), "--header"), List.of("--format and --header", "Parquet")),
        new Bad("SQL syntax error", List.of("--sql", "SELEC * FROM t"), List.of("--sql", "syntax error", "SELEC")),
        new Bad("SQL names a missing file", List.of("--sql", "SELECT * FROM read_parquet(" + lit(missingFile) + ")"),
            List.of("--sql", "No files found", missingFile.toString())),
        new Bad("SQL names a missing table", List.of("--sql", "SELECT * FROM customers"), List.of("--sql", "customers", "does not exist")),
        new Bad("empty SQL result", List.of("--sql", "SELECT * FROM read_parquet(" + lit(parquet) + ") WHERE f1 > 1e9", "--id-column", "id"),
            List.of("--sql", "no rows")),
        new Bad("empty SQL", List.of("--sql", " ; "), List.of("--sql", "empty")),
        new Bad("duplicate ids", List.of("--sql", "SELECT 'a' AS id, 1.0 AS x UNION ALL SELECT 'a', 2.0", "--id-column", "id"), List.of("row 2", "duplicate id 'a'")),
        new Bad("NULL id", List.of("--sql", "SELECT NULL::VARCHAR AS id, 1.0 AS x", "--id-column", "id"), List.of("row 1", "column 'id'", "empty id")),
        new Bad("both --input and --sql", List.of("--input", parquet.toString(), "--sql", "SELECT 1 AS x"), List.of("exactly one of")));
    List<String> failures = new ArrayList<>();
    int k = 0;
    for (Bad b : cases) {
      List<String> a = new ArrayList<>(List.of("kmeans", "--k", "2", "--progress", "never", "--backend", "cpu", "--out", dir.resolve("bad-" + k++).toString()));
      a.addAll(b.args());
      Outcome o = cli(a.toArray(String[]::new));
      String why = null;
      if (o.code() != 2) why = "exit " + o.code();
      else if (o.err().contains("\tat ") || o.err().contains("unexpected failure")) why = "a stack trace";
      else for (String w : b.words()) if (!o.err().contains(w)) why = "no '" + w + "'";
      if (why != null) failures.add(b.what() + ": " + why + " in: " + o.err().strip());
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** The commands that read through DataArgs (gmm, elbow here) take Parquet and SQL too. */
  @Test
  void otherCommandsReadParquetAndSql() throws IOException {
    Outcome g = cli("gmm", "--k", "2", "--input", parquet32.toString(), "--id-column", "id", "--columns", "f1,f2", "--progress", "never",
        "--backend", "cpu", "--out", dir.resolve("gmm").toString());
    assertEquals(0, g.code(), g.err());
    assertEquals(N + 1, Files.readAllLines(dir.resolve("gmm/assignments.csv")).size());
    Outcome e = cli("elbow", "--k", "2-3", "--sql", "SELECT id, f1, f2 FROM read_parquet(" + lit(parts) + " || '/*.parquet') WHERE f1 < 5",
        "--id-column", "id", "--progress", "never", "--backend", "cpu", "--out", dir.resolve("elbow").toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(Files.readString(dir.resolve("elbow/summary.json")).contains("\"input\": \"--sql query\""));
  }
}
