package io.segmenta.data;

import io.segmenta.InvalidInputException;
import io.segmenta.kernels.HostMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Reads a feature table (CSV, TSV, semicolon or whitespace-separated; plain, gzip or zstd) into a
 * {@link Dataset}, validating as it goes. Every error names the file, the line, and the column.
 *
 * <p>The bytes are split into blocks at line ends and the blocks parsed in parallel (a compressed
 * file is decompressed on its own thread meanwhile); rows reach the sinks in file order, on the
 * calling thread. No String is made per cell: numbers are parsed from the bytes by FastDoubleParser,
 * then cast to float, which gives the bits of {@code (float) Double.parseDouble(cell)}.
 *
 * <p>Values are kept off-heap in one float32 segment, so a table may exceed 2^31 values. The ids,
 * when asked for, are kept on the heap: for tables of 10^8 customers use the feature store.
 *
 * <p>Tuning (system properties): {@code segmenta.read.threads} (parsing threads; default the
 * available processors, at most 8), {@code segmenta.read.blockBytes} (bytes per parsed block;
 * default 4 MiB), {@code segmenta.read.maxLineBytes} (the longest line accepted; default 64 MiB).
 */
public final class TableReader {
  private TableReader() {}

  /** Reads {@code file} with {@code options}. */
  public static Dataset read(Path file, TableOptions options) {
    return read(file, options, bytes -> {});
  }

  /**
   * Reads {@code file}, reporting the number of file bytes consumed so far (compressed bytes for a
   * compressed file) to {@code progress}.
   */
  public static Dataset read(Path file, TableOptions options, LongConsumer progress) {
    return readWithReport(file, options, progress).data();
  }

  /** Reads {@code file} into memory, returning what was done with missing values too. */
  public static Read readWithReport(Path file, TableOptions options, LongConsumer progress) {
    Collector c = new Collector(file.toString());
    try (SkippedRows dropped = new SkippedRows(options.droppedRows())) {
      ScanResult r = new FeatureScan(file, options, Malformed.FAIL, null, dropped, progress).run(c);
      return c.dataset(options.missing(), r.missing());
    }
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

  /** Receives malformed rows under {@link Malformed#SKIP}, and rows dropped for missing values. */
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
    return Cells.MISSING.contains(l) || l.equals("nan");
  }

  /**
   * Streams {@code file} row by row to {@code sink} with bounded memory (nothing is kept per row).
   * Rows dropped for missing values go to the options' {@code droppedRows} file, if any.
   *
   * @param rejects where malformed rows go under {@link Malformed#SKIP}; unused under FAIL
   */
  public static ScanResult stream(Path file, TableOptions options, Malformed policy, RejectSink rejects, LongConsumer progress,
                                  RowSink sink) {
    try (SkippedRows dropped = new SkippedRows(options.droppedRows())) {
      return stream(file, options, policy, rejects, dropped, progress, sink);
    }
  }

  /**
   * As {@link #stream(Path, TableOptions, Malformed, RejectSink, LongConsumer, RowSink)}, with the
   * rows that {@link MissingValues.Strategy#DROP} leaves out handed to {@code dropped} (may be null).
   */
  public static ScanResult stream(Path file, TableOptions options, Malformed policy, RejectSink rejects, RejectSink dropped,
                                  LongConsumer progress, RowSink sink) {
    return new FeatureScan(file, options, policy, rejects, dropped, progress).run(sink);
  }

  /** Receives a table's raw fields: the header's names, then each data line's fields. */
  public interface FieldSink {
    /** The format the table was read with (AUTO resolved), before the header. */
    default void format(TextFormat resolved) {}

    void header(List<String> names);

    void row(long line, String[] fields);
  }

  /**
   * Streams the raw fields of a table with a header line (CSV, TSV, semicolon or whitespace; plain,
   * gzip or zstd): the transaction path, whose columns are not all numbers. The header is checked as
   * a feature table's is (no empty or duplicate names, valid UTF-8); other fields are decoded as
   * UTF-8 with U+FFFD for bytes that are not.
   *
   * @return the number of data lines
   */
  public static long streamFields(Path file, TextFormat format, LongConsumer progress, FieldSink sink) {
    return new FieldScan(file, format, progress).run(sink);
  }

  /**
   * For readers of raw fields (the transaction path) in a file with decimal commas ({@link TextFormat#decimalComma()}): why the
   * trimmed {@code cell} is refused, by the same rule as a feature table's cells ("1.234" may be a thousands separator there,
   * "1.234,5" has one), or null when it reads with its comma taken as the decimal point.
   */
  public static String decimalCommaRefusal(String cell) {
    int commas = 0, points = 0;
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (c == ',') commas++;
      else if (c == '.') points++;
    }
    if (points == 0) return null;
    boolean pointParses = false;
    if (commas == 0) {
      try {
        ch.randelshofer.fastdoubleparser.JavaDoubleParser.parseDouble(cell);
        pointParses = true;
      } catch (NumberFormatException e) {
        // not a number with a point either: the caller's parse names it
      }
    }
    return Cells.decimalCommaRefusal(commas, points, pointParses, cell);
  }

  /** The feature reader's hint for a trimmed cell that is not a number (a missing-value marker, a thousands separator, a decimal comma). */
  public static String notANumberHint(String cell, TextFormat format) {
    return Cells.notANumberHint(cell, format.decimalComma());
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

  /** The feature-table scan: header, column roles, then parsed blocks delivered in order. */
  private static final class FeatureScan {
    private final Path file;
    private final String where;
    private final TableOptions options;
    private final Malformed policy;
    private final RejectSink rejects;
    private final RejectSink dropped;
    private final LongConsumer progress;

    FeatureScan(Path file, TableOptions options, Malformed policy, RejectSink rejects, RejectSink dropped, LongConsumer progress) {
      this.file = file;
      this.where = file.toString();
      this.options = options;
      this.policy = policy;
      this.rejects = rejects;
      this.dropped = dropped;
      this.progress = progress;
    }

    ScanResult run(RowSink sink) {
      try (Blocks blocks = Blocks.open(file, options.format(), blockBytes())) {
        Blocks.First first = blocks.first();
        if (first == null) throw new InvalidInputException(where + " is empty: no header and no rows");
        List<String> firstFields = first.fields();
        boolean header = options.header() != null ? options.header() : looksLikeHeader(firstFields);
        List<String> names = new ArrayList<>();
        if (header) {
          names = Cells.headerNames(first.strictFields(where), where, first.line());
        } else {
          for (int j = 1; j <= firstFields.size(); j++) names.add("col" + j);
        }
        int width = names.size();
        int idCol = options.idColumn() == null ? -1 : resolve(names, options.idColumn(), "id column");
        int weightCol = options.weightColumn() == null ? -1 : resolve(names, options.weightColumn(), "weight column");
        int[] features = featureColumns(names, idCol, weightCol);
        int d = features.length;
        List<String> featureNames = new ArrayList<>(d);
        for (int f : features) featureNames.add(names.get(f));
        sink.start(featureNames, idCol >= 0, weightCol >= 0);
        Cells.Layout layout = new Cells.Layout(where, blocks.format(), names, features, idCol, weightCol, header, options.missing(),
            policy == Malformed.SKIP);
        Delivery delivery = new Delivery(layout, sink, d);
        blocks.parse(header ? first.afterRecord() : first.recordStart(), first.linesBefore() + (header ? first.recordLines() : 0),
            (b, s, e, last) -> layout.parse(b, s, e, last), delivery, progress);
        long n = delivery.n;
        if (n == 0) {
          throw new InvalidInputException(delivery.rejected > 0 ? where + ": all " + delivery.rejected + " data rows were rejected (the first: "
              + delivery.firstReject + ")"
              : delivery.droppedRows > 0 ? where + ": every row had a missing value and was dropped (" + delivery.droppedRows + " rows)"
              : where + " has a header but no data rows");
        }
        return new ScanResult(n, delivery.rejected, new MissingValues.Report(delivery.droppedRows, featureNames, delivery.missingCells, null,
            delivery.droppedLines, delivery.droppedRows > 0 && dropped instanceof SkippedRows sr ? sr.file() : null));
      }
    }

    /** Hands parsed blocks to the sinks, in order: rows, then rejects and dropped rows; the first error under FAIL. */
    private final class Delivery implements Blocks.Consumer<Cells.Part> {
      private final Cells.Layout layout;
      private final RowSink sink;
      private final float[] row;
      private final Collector collector;
      final long[] missingCells;
      final List<Long> droppedLines = new ArrayList<>();
      long n, rejected, droppedRows;
      String firstReject;

      Delivery(Cells.Layout layout, RowSink sink, int d) {
        this.layout = layout;
        this.sink = sink;
        this.row = new float[d];
        this.collector = sink instanceof Collector c ? c : null;
        this.missingCells = new long[d];
      }

      @Override public void accept(Cells.Part p, long lineBase) {
        int d = row.length;
        if (collector != null) {
          collector.part(p, lineBase);
        } else {
          for (int i = 0; i < p.rows; i++) {
            System.arraycopy(p.values, i * d, row, 0, d);
            sink.row(lineBase + p.lineOf[i] + 1, p.ids == null ? null : p.ids[i], row, p.weights == null ? 1f : p.weights[i]);
          }
        }
        n += p.rows;
        for (int j = 0; j < d; j++) missingCells[j] += p.missing[j];
        for (Cells.Skip s : p.drops) {
          long line = lineBase + s.line() + 1;
          if (droppedLines.size() < 10) droppedLines.add(line);
          droppedRows++;
          if (dropped != null) dropped.reject(line, s.fields(), layout.message(line, s.suffix()));
        }
        for (Cells.Skip s : p.rejects) {
          long line = lineBase + s.line() + 1;
          String m = layout.message(line, s.suffix());
          if (firstReject == null) firstReject = m;
          rejected++;
          rejects.reject(line, s.fields(), m);
        }
        if (p.error != null) {
          throw new InvalidInputException(layout.message(lineBase + p.error.line() + 1, p.error.suffix()));
        }
      }
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
      int found = -1;
      for (int j = 0; j < names.size(); j++) {
        if (!names.get(j).equalsIgnoreCase(w)) continue;
        if (found >= 0) {
          throw new InvalidInputException(role + " '" + w + "' is ambiguous in " + where + ": columns " + (found + 1) + " ('" + names.get(found)
              + "') and " + (j + 1) + " ('" + names.get(j) + "') differ only in case; give the exact name");
        }
        found = j;
      }
      if (found >= 0) return found;
      if (w.matches("\\d+")) {
        int num = Integer.parseInt(w);
        if (num >= 1 && num <= names.size()) return num - 1;
      }
      throw new InvalidInputException(role + " '" + w + "' not found in " + where + "; its columns are: "
          + String.join(", ", names) + " (or give a 1-based column number)");
    }
  }

  /** The raw-fields scan of the transaction path. */
  private static final class FieldScan {
    private final Path file;
    private final String where;
    private final TextFormat format;
    private final LongConsumer progress;

    FieldScan(Path file, TextFormat format, LongConsumer progress) {
      this.file = file;
      this.where = file.toString();
      this.format = format;
      this.progress = progress;
    }

    long run(FieldSink sink) {
      // Each field becomes a String: smaller blocks keep the rows in flight to a few MB of heap.
      try (Blocks blocks = Blocks.open(file, format, fieldBlockBytes())) {
        Blocks.First first = blocks.first();
        if (first == null) throw new InvalidInputException(where + " is empty: no header and no rows");
        sink.format(blocks.format());
        sink.header(Cells.headerNames(first.strictFields(where), where, first.line()));
        long[] n = {0};
        byte sep = blocks.format().separator();
        blocks.parse(first.afterRecord(), first.linesBefore() + first.recordLines(), (b, s, e, last) -> Cells.fields(sep, b, s, e, last),
            (Cells.FieldPart p, long base) -> {
              for (int i = 0; i < p.rows.size(); i++) sink.row(base + p.lineOf[i] + 1, p.rows.get(i));
              n[0] += p.rows.size();
              if (p.error != null) throw new InvalidInputException(where + ", line " + (base + p.error.line() + 1) + p.error.suffix());
            }, progress);
        if (n[0] == 0) throw new InvalidInputException(where + " has a header but no data rows");
        return n[0];
      }
    }
  }

  private static boolean looksLikeHeader(List<String> fields) {
    for (String f : fields) {
      String s = f.strip();
      if (s.isEmpty()) continue;
      try {
        Double.parseDouble(s);
      } catch (NumberFormatException e) {
        if (Cells.parseDecimalComma(s) == null) return true;
      }
    }
    return false;
  }

  /** Collects parsed blocks into an in-memory, off-heap matrix (the {@link #read} path). */
  private static final class Collector implements RowSink {
    private final String where;
    private List<String> columns;
    private int d;
    private final List<float[]> blocks = new ArrayList<>();
    private final List<Integer> blockValues = new ArrayList<>();
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
      if (hasIds) {
        ids = new ArrayList<>();
        idLine = new HashMap<>();
      }
      if (hasWeights) weights = new FloatList();
    }

    @Override public void row(long line, String id, float[] row, float weight) {
      throw new IllegalStateException("rows reach the collector by blocks");
    }

    void part(Cells.Part p, long lineBase) {
      if (ids != null) {
        for (int i = 0; i < p.rows; i++) {
          String id = p.ids[i];
          long line = lineBase + p.lineOf[i] + 1;
          Long prev = idLine.putIfAbsent(id, line);
          if (prev != null) {
            throw new InvalidInputException(where + ", line " + line + ": duplicate id '" + id + "' (first seen on line " + prev + ")");
          }
          ids.add(id);
        }
      }
      if (p.rows > 0) {
        blocks.add(p.values);
        blockValues.add(p.rows * d);
      }
      if (weights != null) for (int i = 0; i < p.rows; i++) weights.add(p.weights[i]);
      n += p.rows;
    }

    Read dataset(MissingValues policy, MissingValues.Report report) {
      if (weights != null && n > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(where + ": " + n + " rows is too many for in-memory weights; use the feature store");
      }
      if (n == 0) throw new InvalidInputException(where + ": every row had a missing value and was dropped (" + report.droppedRows() + " rows)");
      MemorySegment seg = pack(blocks, blockValues, n * d);
      blocks.clear();
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
      return new Read(data, report.withFillValues(fill));
    }
  }

  private static MemorySegment pack(List<float[]> blocks, List<Integer> lengths, long values) {
    // An automatic arena: the matrix lives as long as the Dataset that refers to it.
    MemorySegment seg = Arena.ofAuto().allocate(Math.max(1, values) * Float.BYTES, 64);
    long off = 0;
    for (int i = 0; i < blocks.size(); i++) {
      int len = lengths.get(i);
      MemorySegment.copy(blocks.get(i), 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, off, len);
      off += (long) len * Float.BYTES;
    }
    return seg;
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

  static int blockBytes() {
    return Math.max(16, Integer.getInteger("segmenta.read.blockBytes", 4 << 20));
  }

  /** The raw-fields scan's blocks (each field becomes a String: smaller blocks keep the rows in flight to a few MB of heap). */
  private static int fieldBlockBytes() {
    return Math.max(16, blockBytes() / 8);
  }

  /**
   * What {@link TextFormat#AUTO} resolves to for {@code file} in {@link #streamFields} (the same detection, on the same first
   * block), or null when the file cannot be read that far: the reader names the problem when it reads the file.
   */
  public static TextFormat detectFields(Path file) {
    try (Blocks blocks = Blocks.open(file, TextFormat.AUTO, fieldBlockBytes())) {
      return blocks.first() == null ? null : blocks.format();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
