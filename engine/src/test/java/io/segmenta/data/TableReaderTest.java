package io.segmenta.data;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static String message(Runnable r) {
    return assertThrows(InvalidInputException.class, r::run).getMessage();
  }

  @Test
  void readsCsvWithHeaderIdsAndChosenColumns() throws IOException {
    Path p = write("c.csv", "id,name,a,b,w\r\n7,x,1.5,2,1\r\n8,\"y, z\",3,4e1,0.5");
    Dataset d = TableReader.read(p, TableOptions.DEFAULTS.withIdColumn("id").withColumns(List.of("b", "a")).withWeightColumn("w"));
    assertEquals(2, d.rows());
    assertEquals(List.of("b", "a"), d.columns());
    assertArrayEquals(new String[] {"7", "8"}, d.ids());
    assertEquals(2f, d.matrix().get(0, 0));
    assertEquals(1.5f, d.matrix().get(0, 1));
    assertEquals(40f, d.matrix().get(1, 0));
    assertArrayEquals(new float[] {1f, 0.5f}, d.weights());
  }

  @Test
  void readsTheBundledMallCustomersTable() {
    Path mall = Path.of("..", "datasets", "mall-customers", "Mall_Customers.csv");
    Dataset d = TableReader.read(mall, TableOptions.DEFAULTS.withIdColumn("CustomerID")
        .withColumns(List.of("Annual Income (k$)", "Spending Score (1-100)")));
    assertEquals(200, d.rows());
    assertEquals("0001", d.id(0));
    assertEquals(15f, d.matrix().get(0, 0));
    assertEquals(39f, d.matrix().get(0, 1));
  }

  @Test
  void readsWhitespaceWithoutHeaderAndGzipByMagic() throws IOException {
    Path p = dir.resolve("w.dat");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
      out.write("    664159    550946\n\n   665845   557965  \n".getBytes(StandardCharsets.US_ASCII));
    }
    Dataset d = TableReader.read(p, TableOptions.DEFAULTS);
    assertEquals(List.of("col1", "col2"), d.columns());
    assertEquals(2, d.rows());
    assertEquals(665845f, d.matrix().get(1, 0));
    Dataset byNumber = TableReader.read(p, TableOptions.DEFAULTS.withColumns(List.of("2")));
    assertEquals(557965f, byNumber.matrix().get(1, 0));
  }

  @Test
  void readsTsv() throws IOException {
    Path p = write("t.tsv", "a\tb\n1\t2\n3\t4\n");
    Dataset d = TableReader.read(p, TableOptions.DEFAULTS);
    assertEquals(4f, d.matrix().get(1, 1));
  }

  @Test
  void nanAndInfinityNameLineAndColumn() throws IOException {
    String m = message(() -> TableReader.read(uncheck(() -> write("n.csv", "a,b\n1,2\n3,NaN\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 3") && m.contains("column 'b'") && m.contains("NaN"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("i.csv", "a,b\n1,Infinity\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 2") && m.contains("column 'b'") && m.contains("not finite"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("p.csv", "a,b\n1,-inf\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 2") && m.contains("column 'b'") && m.contains("not finite"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("q.csv", "a,b\n1,NA\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 2") && m.contains("missing-value marker"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("o.csv", "a,b\n1,1e39\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 2") && m.contains("float32"), m);
  }

  @Test
  void emptyFileAndHeaderOnly() throws IOException {
    String m = message(() -> TableReader.read(uncheck(() -> write("e.csv", "")), TableOptions.DEFAULTS));
    assertTrue(m.contains("is empty"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("h.csv", "a,b\r\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("header but no data rows"), m);
  }

  @Test
  void raggedRowsAndNonNumericCells() throws IOException {
    String m = message(() -> TableReader.read(uncheck(() -> write("r.csv", "a,b,c\n1,2,3\n4,5\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 3") && m.contains("2 fields") && m.contains("header has 3"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("x.csv", "a,b\n1,2\n3,abc\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 3") && m.contains("column 'b'") && m.contains("'abc' is not a number"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("m.csv", "a,b\n1,\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("line 2") && m.contains("column 'b'") && m.contains("missing value"), m);
  }

  @Test
  void unknownColumnListsTheColumns() throws IOException {
    Path p = write("u.csv", "a,b\n1,2\n");
    String m = message(() -> TableReader.read(p, TableOptions.DEFAULTS.withColumns(List.of("a", "zz"))));
    assertTrue(m.contains("column 'zz' not found") && m.contains("a, b"), m);
    m = message(() -> TableReader.read(p, TableOptions.DEFAULTS.withIdColumn("cust")));
    assertTrue(m.contains("id column 'cust' not found"), m);
  }

  @Test
  void negativeWeightAndDuplicateIds() throws IOException {
    String m = message(() -> TableReader.read(uncheck(() -> write("w.csv", "id,a,w\n1,1,1\n2,2,-0.5\n")),
        TableOptions.DEFAULTS.withIdColumn("id").withWeightColumn("w")));
    assertTrue(m.contains("line 3") && m.contains("column 'w'") && m.contains("negative"), m);
    m = message(() -> TableReader.read(uncheck(() -> write("d.csv", "id,a\n1,1\n2,2\n1,3\n")), TableOptions.DEFAULTS.withIdColumn("id")));
    assertTrue(m.contains("line 4") && m.contains("duplicate id '1'") && m.contains("line 2"), m);
  }

  @Test
  void missingFile() {
    String m = message(() -> TableReader.read(dir.resolve("nope.csv"), TableOptions.DEFAULTS));
    assertTrue(m.contains("no such file"), m);
  }

  @Test
  void progressReachesTheFileSize() throws IOException {
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 50_000; i++) sb.append(i).append(',').append(i * 2).append('\n');
    Path p = write("big.csv", sb.toString());
    long[] last = {-1};
    Dataset d = TableReader.read(p, TableOptions.DEFAULTS, b -> {
      assertTrue(b >= last[0], "progress never goes back");
      last[0] = b;
    });
    assertEquals(50_000, d.rows());
    assertEquals(Files.size(p), last[0]);
  }

  /** Issue 18: a gzip cut short (head -c 20) names the file and the byte offset. */
  @Test
  void truncatedGzipNamesTheFileAndOffset() throws IOException {
    Path whole = dir.resolve("w.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
      for (int i = 0; i < 2000; i++) out.write((i + "," + (i * 3) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    Path cut = dir.resolve("cut.csv.gz");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(whole), 20));
    String m = message(() -> TableReader.read(cut, TableOptions.DEFAULTS));
    assertTrue(m.contains(cut.toString()) && m.contains("truncated or not valid gzip") && m.contains("byte offset"), m);
  }

  /** Issue 18: duplicate column names are an error naming the name and both positions. */
  @Test
  void duplicateColumnNames() throws IOException {
    String m = message(() -> TableReader.read(uncheck(() -> write("dup.csv", "a,b,a\n1,2,3\n")), TableOptions.DEFAULTS));
    assertTrue(m.contains("duplicate column name 'a'") && m.contains("columns 1 and 3"), m);
  }

  /** Issue 18: a UTF-8 byte-order mark is not part of the first name; UTF-16 is named. */
  @Test
  void byteOrderMarks() throws IOException {
    Path p = write("bom.csv", "\ufeffid,a,b\n7,1,2\n");
    Dataset d = TableReader.read(p, TableOptions.DEFAULTS.withIdColumn("id"));
    assertEquals(List.of("a", "b"), d.columns());
    assertEquals("7", d.id(0));
    Path u = dir.resolve("u16.csv");
    Files.write(u, "\ufeffa,b\n1,2\n".getBytes(StandardCharsets.UTF_16LE));
    String m = message(() -> TableReader.read(u, TableOptions.DEFAULTS));
    assertTrue(m.contains("UTF-16"), m);
  }

  interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T uncheck(IoSupplier<T> s) {
    try {
      return s.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
