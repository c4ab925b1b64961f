package io.segmenta.data;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.segmenta.InvalidInputException;
import io.segmenta.kernels.HostMatrix;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The reader as it was before the byte-level rewrite (FastCSV + Double.parseDouble), kept as the
 * randomized test's oracle.
 *
 * Reads a feature table (CSV, TSV or whitespace-separated; plain or {@code .gz}) into a
 * {@link Dataset}, validating as it goes. Every error names the file, the line, and the column.
 *
 * <p>Values are kept off-heap in one float32 segment, so a table may exceed 2^31 values. The ids,
 * when asked for, are kept on the heap: for tables of 10^8 customers use the feature store.
 */
final class LegacyTableReader {
  private static final Pattern WHITESPACE = Pattern.compile("[ \\t]+");
  private static final int BLOCK = 1 << 20;

  private LegacyTableReader() {}

  /** Reads {@code file} with {@code options}. */
  public static Dataset read(Path file, TableOptions options) {
    return read(file, options, bytes -> {});
  }

  /**
   * Reads {@code file}, reporting the number of file bytes consumed so far (compressed bytes for a
   * {@code .gz} file) to {@code progress}.
   */
  public static Dataset read(Path file, TableOptions options, LongConsumer progress) {
    try {
      return new Run(file, options, progress).read().data();
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** One line's fields and its 1-based line number in the file. */
  private record Line(long number, String[] fields) {}

  private static final class Run {
    private final Path file;
    private final TableOptions options;
    private final LongConsumer progress;
    private final String where;

    Run(Path file, TableOptions options, LongConsumer progress) {
      this.file = file;
      this.options = options;
      this.progress = progress;
      this.where = file.toString();
    }

    /** Streams every row to {@code sink}; malformed rows fail, or go to {@code rejects} under the skip policy. */
    ScanResult scan(RowSink sink, Malformed policy, RejectSink rejects) throws IOException {
      if (Files.isDirectory(file)) throw new InvalidInputException(where + " is a directory, not a table");
      TextFormat format = options.format() == TextFormat.AUTO ? sniff() : options.format();
      CountingStream counter = new CountingStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
      try (InputStream raw = decode(counter); LineSource lines = new LineSource(raw, counter, format)) {
        if (!lines.hasNext()) throw new InvalidInputException(where + " is empty: no header and no rows");
        Line first = lines.next();
        boolean header = options.header() != null ? options.header() : looksLikeHeader(first.fields());
        List<String> names = new ArrayList<>();
        if (header) {
          for (String f : first.fields()) names.add(f.strip());
        } else {
          for (int j = 1; j <= first.fields().length; j++) names.add("col" + j);
        }
        int width = names.size();
        int idCol = options.idColumn() == null ? -1 : resolve(names, options.idColumn(), "id column");
        int weightCol = options.weightColumn() == null ? -1 : resolve(names, options.weightColumn(), "weight column");
        int[] features = featureColumns(names, idCol, weightCol);
        int d = features.length;
        List<String> featureNames = new ArrayList<>(d);
        for (int f : features) featureNames.add(names.get(f));
        sink.start(featureNames, idCol >= 0, weightCol >= 0);
        float[] row = new float[d];
        long n = 0, rejected = 0, dropped = 0;
        long[] missingCells = new long[d];
        MissingValues.Strategy ms = options.missing().strategy();
        Iterator<Line> rows = header ? lines : prepend(first, lines);
        while (rows.hasNext()) {
          Line line = rows.next();
          String[] f = line.fields();
          String id = null;
          float w = 1f;
          try {
            if (f.length != width) {
              throw new InvalidInputException(where + ", line " + line.number() + ": " + f.length + " fields, but "
                  + (header ? "the header has " : "the first line has ") + width + " (ragged row)");
            }
            boolean anyMissing = false;
            for (int j = 0; j < d; j++) {
              String cell = f[features[j]];
              if (ms != MissingValues.Strategy.FAIL && isMissing(cell)) {
                missingCells[j]++;
                anyMissing = true;
                row[j] = ms == MissingValues.Strategy.CONSTANT ? (float) options.missing().constant() : Float.NaN;
              } else {
                row[j] = number(cell, line.number(), names.get(features[j]));
              }
            }
            if (anyMissing && ms == MissingValues.Strategy.DROP) {
              dropped++;
              continue;
            }
            if (idCol >= 0) {
              id = f[idCol].strip();
              if (id.isEmpty()) throw new InvalidInputException(where + ", line " + line.number() + ", column '" + names.get(idCol) + "': empty id");
            }
            if (weightCol >= 0) {
              w = number(f[weightCol], line.number(), names.get(weightCol));
              if (w < 0) {
                throw new InvalidInputException(where + ", line " + line.number() + ", column '" + names.get(weightCol)
                    + "': weight " + f[weightCol].strip() + " is negative; sample weights must be >= 0");
              }
            }
          } catch (InvalidInputException e) {
            if (policy == Malformed.FAIL) throw e;
            rejected++;
            rejects.reject(line.number(), f, e.getMessage());
            continue;
          }
          sink.row(line.number(), id, row, w);
          n++;
          if ((n & 0x3FFF) == 0) progress.accept(lines.bytesRead());
        }
        progress.accept(lines.bytesRead());
        if (n == 0) {
          throw new InvalidInputException(rejected > 0 ? where + ": all " + rejected + " data rows were rejected"
              : dropped > 0 ? where + ": every row had a missing value and was dropped (" + dropped + " rows)"
              : where + " has a header but no data rows");
        }
        return new ScanResult(n, rejected, new MissingValues.Report(dropped, featureNames, missingCells, null));
      }
    }

    long fields(FieldSink sink) throws IOException {
      if (Files.isDirectory(file)) throw new InvalidInputException(where + " is a directory, not a table");
      TextFormat format = options.format() == TextFormat.AUTO ? sniff() : options.format();
      CountingStream counter = new CountingStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
      try (InputStream raw = decode(counter); LineSource lines = new LineSource(raw, counter, format)) {
        if (!lines.hasNext()) throw new InvalidInputException(where + " is empty: no header and no rows");
        List<String> names = new ArrayList<>();
        for (String f : lines.next().fields()) names.add(f.strip());
        sink.header(names);
        long n = 0;
        while (lines.hasNext()) {
          Line line = lines.next();
          sink.row(line.number(), line.fields());
          if ((++n & 0x3FFF) == 0) progress.accept(lines.bytesRead());
        }
        progress.accept(lines.bytesRead());
        if (n == 0) throw new InvalidInputException(where + " has a header but no data rows");
        return n;
      }
    }

    Read read() throws IOException {
      Collector c = new Collector(where);
      ScanResult r = scan(c, Malformed.FAIL, null);
      return c.dataset(options.missing(), r.missing());
    }

    private int[] featureColumns(List<String> names, int idCol, int weightCol) {
      if (options.columns().isEmpty()) {
        int[] all = new int[names.size() - (idCol >= 0 ? 1 : 0) - (weightCol >= 0 && weightCol != idCol ? 1 : 0)];
        int m = 0;
        for (int j = 0; j < names.size(); j++) if (j != idCol && j != weightCol) all[m++] = j;
        if (m == 0) throw new InvalidInputException(where + ": no feature columns left after the id and weight columns");
        return all;
      }
      int[] cols = new int[options.columns().size()];
      for (int i = 0; i < cols.length; i++) {
        cols[i] = resolve(names, options.columns().get(i), "column");
        for (int p = 0; p < i; p++) {
          if (cols[p] == cols[i]) throw new InvalidInputException("columns: '" + options.columns().get(i) + "' is listed twice");
        }
      }
      return cols;
    }

    /** A column by exact name, then by case-insensitive name, then by 1-based number. */
    private int resolve(List<String> names, String wanted, String role) {
      String w = wanted.strip();
      int idx = names.indexOf(w);
      if (idx >= 0) return idx;
      for (int j = 0; j < names.size(); j++) if (names.get(j).equalsIgnoreCase(w)) return j;
      if (w.matches("\\d+")) {
        int num = Integer.parseInt(w);
        if (num >= 1 && num <= names.size()) return num - 1;
      }
      throw new InvalidInputException(role + " '" + w + "' not found in " + where + "; its columns are: "
          + String.join(", ", names) + " (or give a 1-based column number)");
    }

    private float number(String cell, long line, String column) {
      String s = cell.strip();
      if (s.isEmpty()) {
        throw new InvalidInputException(where + ", line " + line + ", column '" + column + "': empty cell (missing value)");
      }
      double v;
      try {
        v = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        v = spelledNonFinite(s);
        if (v == 0) {
          String missing = MISSING.contains(s.toLowerCase(java.util.Locale.ROOT)) ? " (a missing-value marker)" : "";
          throw new InvalidInputException(where + ", line " + line + ", column '" + column + "': '" + abbreviate(s) + "' is not a number" + missing);
        }
      }
      float f = (float) v;
      if (!Float.isFinite(f)) {
        throw new InvalidInputException(where + ", line " + line + ", column '" + column + "': value " + abbreviate(s)
            + (Double.isNaN(v) ? " is NaN" : Double.isInfinite(v) ? " is not finite" : " is not finite in float32 (beyond 3.4e38)") + "; NaN and infinite values are not allowed");
      }
      return f;
    }

    private TextFormat sniff() throws IOException {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          decode(new CountingStream(new BufferedInputStream(Files.newInputStream(file)))), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null && line.isBlank()) {}
        if (line == null) return TextFormat.CSV;
        if (line.indexOf(',') >= 0) return TextFormat.CSV;
        if (line.indexOf('\t') >= 0 && line.strip().indexOf(' ') < 0) return TextFormat.TSV;
        return TextFormat.WHITESPACE;
      }
    }

    /** Gzip by its magic bytes, not its name, so that a renamed file still reads. */
    private static InputStream decode(CountingStream in) throws IOException {
      in.mark(2);
      int b1 = in.read(), b2 = in.read();
      in.reset();
      in.count = 0;
      return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
  }

  private static final java.util.Set<String> MISSING = java.util.Set.of("na", "n/a", "null", "none", "nil", "?", "-");

  /** NaN or an infinity as pandas, R and spreadsheets spell them (which Java does not parse); 0 otherwise. */
  private static double spelledNonFinite(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "nan", "-nan", "+nan", "#num!" -> Double.NaN;
      case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
      default -> 0;
    };
  }

  private static boolean looksLikeHeader(String[] fields) {
    for (String f : fields) {
      String s = f.strip();
      if (s.isEmpty()) continue;
      try {
        Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static Iterator<Line> prepend(Line first, Iterator<Line> rest) {
    return new Iterator<>() {
      boolean done;

      @Override public boolean hasNext() { return !done || rest.hasNext(); }

      @Override public Line next() {
        if (!done) {
          done = true;
          return first;
        }
        return rest.next();
      }
    };
  }

  private static MemorySegment pack(List<float[]> blocks, long values) {
    // An automatic arena: the matrix lives as long as the Dataset that refers to it.
    MemorySegment seg = Arena.ofAuto().allocate(values * Float.BYTES, 64);
    long off = 0;
    for (float[] b : blocks) {
      MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, off, b.length);
      off += (long) b.length * Float.BYTES;
    }
    return seg;
  }

  /** What to do with a malformed row while streaming. */
  public enum Malformed {
    /** Stop with an error that names the file, line and reason (the default). */
    FAIL,
    /** Count the row, hand it to the reject sink, and go on. */
    SKIP
  }

  /** Receives the rows of a streamed table, in file order. {@code row} is reused: copy what you keep. */
  public interface RowSink {
    void start(List<String> columns, boolean hasIds, boolean hasWeights);

    void row(long line, String id, float[] row, float weight);
  }

  /** Receives malformed rows under {@link Malformed#SKIP}. */
  public interface RejectSink {
    void reject(long line, String[] fields, String reason);
  }

  /** Rows streamed, rows rejected as malformed, and what missing values there were. */
  public record ScanResult(long rows, long rejected, MissingValues.Report missing) {}

  /** A missing value: an empty cell, a marker such as NA or ?, or a literal NaN. */
  static boolean isMissing(String cell) {
    String s = cell.strip();
    if (s.isEmpty()) return true;
    String l = s.toLowerCase(java.util.Locale.ROOT);
    return MISSING.contains(l) || l.equals("nan");
  }

  /**
   * Streams {@code file} row by row to {@code sink} with bounded memory (nothing is kept per row).
   *
   * @param rejects where malformed rows go under {@link Malformed#SKIP}; unused under FAIL
   */
  public static ScanResult stream(Path file, TableOptions options, Malformed policy, RejectSink rejects, LongConsumer progress,
                                  RowSink sink) {
    try {
      return new Run(file, options, progress).scan(sink, policy, rejects);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Receives a table's raw fields: the header's names, then each data line's fields. */
  public interface FieldSink {
    void header(List<String> names);

    void row(long line, String[] fields);
  }

  /**
   * Streams the raw fields of a table with a header line (CSV, TSV or whitespace, plain or gzipped):
   * the transaction path, whose columns are not all numbers.
   *
   * @return the number of data lines
   */
  public static long streamFields(Path file, TextFormat format, LongConsumer progress, FieldSink sink) {
    try {
      Run run = new Run(file, TableOptions.DEFAULTS.withFormat(format), progress);
      return run.fields(sink);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** A table read into memory, and what was done with its missing values. */
  public record Read(Dataset data, MissingValues.Report missing) {}

  /**
   * Fill values for {@link MissingValues.Strategy#MEAN} or {@code MEDIAN}: each column's mean (Welford)
   * or exact median over its present values (NaN marks the missing ones).
   */
  public static double[] fillValues(HostMatrix x, MissingValues.Strategy s, List<String> columns, String where) {
    int d = x.cols();
    double[] out = new double[d];
    if (s == MissingValues.Strategy.MEDIAN) {
      double[][] q = io.segmenta.preprocess.ExactQuantiles.of(x, new double[] {0.5}, null);
      for (int j = 0; j < d; j++) out[j] = q[j][0];
    } else {
      long[] c = new long[d];
      float[] row = new float[d];
      for (long i = 0; i < x.rows(); i++) {
        x.copyRow(i, row, 0);
        for (int j = 0; j < d; j++) {
          if (row[j] != row[j]) continue;
          c[j]++;
          out[j] += (row[j] - out[j]) / c[j];
        }
      }
      for (int j = 0; j < d; j++) if (c[j] == 0) out[j] = Double.NaN;
    }
    for (int j = 0; j < d; j++) {
      if (Double.isNaN(out[j])) throw new InvalidInputException(where + ", column '" + columns.get(j) + "': every value is missing; nothing to fill with");
    }
    return out;
  }

  /** Reads {@code file} into memory, returning what was done with missing values too. */
  public static Read readWithReport(Path file, TableOptions options, LongConsumer progress) {
    try {
      return new Run(file, options, progress).read();
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Collects streamed rows into an in-memory, off-heap matrix (the {@link #read} path). */
  private static final class Collector implements RowSink {
    private final String where;
    private List<String> columns;
    private int d;
    private final List<float[]> blocks = new ArrayList<>();
    private float[] block;
    private int inBlock;
    private long n;
    private List<String> ids;
    private Map<String, Long> idLine;
    private FloatList weights;

    Collector(String where) {
      this.where = where;
    }

    @Override public void start(List<String> cols, boolean hasIds, boolean hasWeights) {
      columns = cols;
      d = cols.size();
      block = new float[Math.max(d, BLOCK / d * d)];
      if (hasIds) {
        ids = new ArrayList<>();
        idLine = new HashMap<>();
      }
      if (hasWeights) weights = new FloatList();
    }

    @Override public void row(long line, String id, float[] row, float weight) {
      if (ids != null) {
        Long prev = idLine.putIfAbsent(id, line);
        if (prev != null) {
          throw new InvalidInputException(where + ", line " + line + ": duplicate id '" + id + "' (first seen on line " + prev + ")");
        }
        ids.add(id);
      }
      if (inBlock == block.length) {
        blocks.add(block);
        block = new float[block.length];
        inBlock = 0;
      }
      System.arraycopy(row, 0, block, inBlock, d);
      inBlock += d;
      if (weights != null) weights.add(weight);
      n++;
    }

    Read dataset(MissingValues policy, MissingValues.Report report) {
      blocks.add(Arrays.copyOf(block, inBlock));
      if (weights != null && n > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(where + ": " + n + " rows is too many for in-memory weights; use the feature store");
      }
      if (n == 0) throw new InvalidInputException(where + ": every row had a missing value and was dropped (" + report.droppedRows() + " rows)");
      MemorySegment seg = pack(blocks, n * d);
      HostMatrix matrix = HostMatrix.of(seg, n, d);
      double[] fill = null;
      MissingValues.Strategy s = policy.strategy();
      if (report.missingCells() > 0 && (s == MissingValues.Strategy.MEAN || s == MissingValues.Strategy.MEDIAN)) {
        fill = fillValues(matrix, s, columns, where);
        for (long i = 0; i < n * d; i++) {
          float v = seg.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
          if (v != v) seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) fill[(int) (i % d)]);
        }
      } else if (s == MissingValues.Strategy.CONSTANT) {
        fill = new double[d];
        Arrays.fill(fill, policy.constant());
      }
      Dataset data = Dataset.of(matrix, columns, ids == null ? null : ids.toArray(String[]::new), weights == null ? null : weights.toArray());
      return new Read(data, new MissingValues.Report(report.droppedRows(), columns, report.missingPerColumn(), fill));
    }
  }

  /** Lines of fields from either parser, skipping blank lines, with byte progress. */
  private static final class LineSource implements Iterator<Line>, AutoCloseable {
    private final CountingStream counter;
    private final CsvReader<CsvRecord> csv;
    private final Iterator<CsvRecord> csvIt;
    private final BufferedReader text;
    private long lineNo;
    private Line pending;

    LineSource(InputStream in, CountingStream counter, TextFormat format) {
      this.counter = counter;
      if (format == TextFormat.WHITESPACE) {
        this.csv = null;
        this.csvIt = null;
        this.text = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      } else {
        this.csv = CsvReader.builder()
            .fieldSeparator(format == TextFormat.TSV ? '\t' : ',')
            .skipEmptyLines(true)
            .allowExtraFields(true)
            .allowMissingFields(true)
            .ofCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.csvIt = csv.iterator();
        this.text = null;
      }
    }

    long bytesRead() {
      return counter.count;
    }

    @Override public boolean hasNext() {
      if (pending != null) return true;
      try {
        if (csvIt != null) {
          while (csvIt.hasNext()) {
            CsvRecord r = csvIt.next();
            if (r.getFieldCount() == 1 && r.getField(0).isBlank()) continue;
            pending = new Line(r.getStartingLineNumber(), r.getFields().toArray(String[]::new));
            return true;
          }
          return false;
        }
        String s;
        while ((s = text.readLine()) != null) {
          lineNo++;
          String t = s.strip();
          if (t.isEmpty()) continue;
          pending = new Line(lineNo, WHITESPACE.split(t));
          return true;
        }
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (UncheckedIOException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new InvalidInputException("cannot parse the table after line " + lineNo + ": " + e.getMessage(), e);
      }
    }

    @Override public Line next() {
      if (!hasNext()) throw new java.util.NoSuchElementException();
      Line l = pending;
      pending = null;
      return l;
    }

    @Override public void close() throws IOException {
      if (csv != null) csv.close();
      if (text != null) text.close();
    }
  }

  /** Counts bytes read from the file, before decompression. */
  static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) { super(in); }

    @Override public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count++;
      return b;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      int r = super.read(b, off, len);
      if (r > 0) count += r;
      return r;
    }

    @Override public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }

  }

  private static final class FloatList {
    float[] a = new float[1024];
    int n;

    void add(float v) {
      if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
      a[n++] = v;
    }

    float[] toArray() { return Arrays.copyOf(a, n); }
  }
}
