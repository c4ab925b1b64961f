package io.segmenta.data;

import static org.junit.jupiter.api.Assertions.*;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import io.segmenta.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte-level reader against the reader it replaced (FastCSV + Double.parseDouble, kept as
 * {@link LegacyTableReader}) on random tables, with tiny blocks and several threads so that blocks
 * are cut everywhere: inside quoted fields, between CR and LF, in the header. The same values bit for
 * bit, ids, weights and columns, or an error on the same line.
 */
class TableReaderEquivalenceTest {
  @TempDir Path dir;

  private static final Pattern LINE = Pattern.compile("line (\\d+)");

  @Test
  void fastDoubleParserOnBytesCastToFloatIsDoubleParseDoubleCastToFloat() {
    Random r = new Random(16);
    String[] odd = {"+1.5", "-0", "+0.0", " 7 ", "1e39", "1e-46", "0x1p3", "1.5f", "2d", "1.", ".5", "1e", "e1", "--1", "1_0", "Infinity",
        "-Infinity", "NaN", "+NaN", "1,5", "１", "1.0e+10", "4.9e-324", "3.4028235e38", "3.4028236e38", "0.000000000000000000001"};
    List<String> cases = new ArrayList<>(List.of(odd));
    for (int i = 0; i < 200_000; i++) cases.add(randomNumber(r));
    int simpleCases = 0;
    for (int i = 0; i < 100_000; i++) { // the plain decimals of exports: up to 15 digits, any scale
      String digits = Long.toString(Math.abs(r.nextLong()) % 1_000_000_000_000_000L);
      int dot = r.nextInt(digits.length() + 1);
      cases.add((r.nextBoolean() ? "-" : "") + digits.substring(0, dot) + "." + digits.substring(dot));
    }
    for (String s : cases) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      Double expected, actual;
      try {
        expected = Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        expected = null;
      }
      String t = s.strip();
      try {
        actual = JavaDoubleParser.parseDouble(t.getBytes(StandardCharsets.UTF_8), 0, t.getBytes(StandardCharsets.UTF_8).length);
      } catch (NumberFormatException e) {
        actual = null;
      }
      if (expected == null) {
        assertNull(actual, "accepted what Double.parseDouble refuses: '" + s + "'");
      } else {
        assertNotNull(actual, "refused what Double.parseDouble reads: '" + s + "'");
        assertEquals(Float.floatToRawIntBits((float) expected.doubleValue()), Float.floatToRawIntBits((float) actual.doubleValue()), s);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual), s);
      }
      byte[] tb = t.getBytes(StandardCharsets.UTF_8);
      double simple = Cells.simpleDecimal(tb, 0, tb.length);
      if (simple == simple) { // the fast path took it: it must be parseDouble's value, bit for bit
        assertNotNull(expected, "the plain-decimal path read what Double.parseDouble refuses: '" + s + "'");
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(simple), s);
        simpleCases++;
      }
      assertTrue(b.length >= 0);
    }
    assertTrue(simpleCases > 150_000, "plain decimals checked: " + simpleCases);
  }

  @Test
  void randomTablesReadAsTheOldReaderReadThem() throws IOException {
    Random r = new Random(18);
    int errors = 0, ok = 0;
    for (int iter = 0; iter < 300; iter++) {
      boolean csv = r.nextInt(4) != 0;
      TextFormat fmt = csv ? (r.nextBoolean() ? TextFormat.CSV : TextFormat.TSV) : TextFormat.WHITESPACE;
      String text = randomTable(r, fmt, r.nextInt(10) == 0);
      Path p = dir.resolve("t" + iter + (r.nextBoolean() ? ".csv" : ".csv.gz"));
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (p.toString().endsWith(".gz")) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
          out.write(bytes);
        }
      } else {
        Files.write(p, bytes);
      }
      boolean ids = csv && r.nextBoolean();
      TableOptions o = TableOptions.DEFAULTS.withFormat(r.nextBoolean() ? TextFormat.AUTO : fmt);
      if (ids) o = o.withIdColumn("id");
      else if (csv) o = o.withColumns(featureNames(text));
      if (r.nextInt(3) == 0) o = o.withMissing(new MissingValues(MissingValues.Strategy.values()[r.nextInt(5)], 0.25));
      String block = Integer.toString(16 + r.nextInt(r.nextBoolean() ? 64 : 4096));
      String threads = Integer.toString(1 + r.nextInt(3));
      Dataset expected = null, actual = null;
      String oldError = null, newError = null;
      try {
        expected = LegacyTableReader.read(p, o);
      } catch (InvalidInputException e) {
        oldError = e.getMessage();
      }
      System.setProperty("segmenta.read.blockBytes", block);
      System.setProperty("segmenta.read.threads", threads);
      try {
        actual = TableReader.read(p, o);
      } catch (InvalidInputException e) {
        newError = e.getMessage();
      } finally {
        System.clearProperty("segmenta.read.blockBytes");
        System.clearProperty("segmenta.read.threads");
      }
      String ctx = "case " + iter + " (" + fmt + ", block " + block + ", threads " + threads + ", " + o + "):\n" + text;
      if (oldError != null) {
        assertNotNull(newError, "the old reader failed (" + oldError + "), the new one read it; " + ctx);
        assertEquals(line(oldError), line(newError), oldError + " | " + newError + "; " + ctx);
        errors++;
        continue;
      }
      assertNull(newError, ctx);
      assertEquals(expected.columns(), actual.columns(), ctx);
      assertEquals(expected.rows(), actual.rows(), ctx);
      for (long i = 0; i < expected.rows(); i++) {
        for (int j = 0; j < expected.cols(); j++) {
          assertEquals(Float.floatToRawIntBits(expected.matrix().get(i, j)), Float.floatToRawIntBits(actual.matrix().get(i, j)),
              "row " + i + ", column " + j + "; " + ctx);
        }
      }
      if (ids) assertArrayEquals(expected.ids(), actual.ids(), ctx);
      ok++;
    }
    assertTrue(ok > 100 && errors > 20, ok + " read, " + errors + " refused");
  }

  /** The c0, c1, ... columns named in the header (the first non-blank line). */
  private static List<String> featureNames(String text) {
    List<String> out = new ArrayList<>();
    for (String s : text.strip().split("[\\r\\n]", 2)[0].split("[,\\t]")) if (s.startsWith("c")) out.add(s);
    return out;
  }

  private static String line(String m) {
    Matcher x = LINE.matcher(m);
    return x.find() ? x.group(1) : "(no line)";
  }

  private static String randomTable(Random r, TextFormat fmt, boolean damage) {
    String sep = fmt == TextFormat.TSV ? "\t" : fmt == TextFormat.CSV ? "," : r.nextBoolean() ? " " : "  \t";
    String[] ends = {"\n", "\r\n", "\r"};
    String nl = ends[r.nextInt(r.nextInt(4) == 0 ? 3 : 2)];
    boolean csv = fmt != TextFormat.WHITESPACE;
    int d = 1 + r.nextInt(5);
    int n = r.nextInt(5) == 0 ? r.nextInt(3) : 1 + r.nextInt(200);
    StringBuilder sb = new StringBuilder();
    List<String> names = new ArrayList<>();
    if (csv) names.add("id");
    for (int j = 0; j < d; j++) names.add("c" + j);
    if (r.nextInt(8) != 0 || csv) {
      if (csv && r.nextInt(5) == 0) sb.append(nl); // a blank line before the header
      sb.append(String.join(sep, names)).append(nl);
    }
    for (int i = 0; i < n; i++) {
      List<String> f = new ArrayList<>();
      if (csv) f.add(id(r, i, sep));
      for (int j = 0; j < d; j++) f.add(r.nextInt(1500) == 0 ? missing(r) : randomNumber(r));
      if (damage && r.nextInt(40) == 0) {
        if (r.nextBoolean()) f.add("9");
        else f.set(f.size() - 1, "x" + r.nextInt(9));
      }
      sb.append(String.join(sep, f));
      if (r.nextInt(30) == 0) sb.append(nl); // a blank line
      if (i < n - 1 || r.nextBoolean()) sb.append(nl);
    }
    return sb.toString();
  }

  private static String id(Random r, int i, String sep) {
    return switch (r.nextInt(6)) {
      case 0 -> "\"id " + i + sep + " with a separator\"";
      case 1 -> "\"id " + i + "\nwith a line end\"";
      case 2 -> "\"id " + i + " \"\"quoted\"\"\"";
      case 3 -> "é" + i;
      default -> Integer.toString(i);
    };
  }

  private static String missing(Random r) {
    String[] m = {"", "NA", "nan", "?", " ", "null", "-"};
    return m[r.nextInt(m.length)];
  }

  static String randomNumber(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> Integer.toString(r.nextInt(2_000_000) - 1_000_000);
      case 1 -> String.format(java.util.Locale.ROOT, "%.5f", r.nextGaussian() * 1000);
      case 2 -> Float.toString((float) (r.nextGaussian() * Math.pow(10, r.nextInt(60) - 30)));
      case 3 -> Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(75) - 45));
      case 4 -> (r.nextBoolean() ? "+" : "-") + r.nextInt(1000) + "." + r.nextInt(100000);
      case 5 -> " " + r.nextInt(100) + "." + r.nextInt(1000) + "  ";
      case 6 -> r.nextInt(1000) + "e" + (r.nextInt(72) - 40);
      case 7 -> String.format(java.util.Locale.ROOT, "%.17g", r.nextDouble());
      case 8 -> "0." + "0".repeat(r.nextInt(20)) + r.nextInt(1_000_000);
      default -> String.format(java.util.Locale.ROOT, "%.9f", r.nextDouble() * 10);
    };
  }
}
