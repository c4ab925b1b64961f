package io.segmenta.data.sql;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.data.MissingValues;
import io.segmenta.data.SkippedRows;
import io.segmenta.data.TableOptions;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.preprocess.ExactQuantiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Feature tables read through DuckDB: a Parquet file, a directory of Parquet files, or the result of
 * a SQL query. The result is the {@link Dataset} the text reader gives for the same values (an
 * off-heap float32 matrix, ids as strings, optional weights), rows in file order, with the same
 * column selection ({@link TableOptions#columns()}, id and weight columns: by name, case-insensitive
 * name or 1-based number) and the same missing-value policies. Only {@code format} and
 * {@code header}, which describe text, do not apply.
 *
 * <p>A NULL or NaN feature value is a missing value; an infinite one is an error. Values are
 * converted as the text reader converts a decimal string: to float64, then rounded to float32, so
 * the same numbers give the same bits whatever the source. Every error names the source, and the
 * row (counted from 1 over the result) and column where there is one.
 */
public final class DuckDbSource {
  private static final int BLOCK = 1 << 20;
  private static final Set<String> NUMERIC = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
      "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL");

  private DuckDbSource() {}

  /** A table read into memory, and what was done with its missing values. */
  public record Read(Dataset data, MissingValues.Report missing) {}

  /** Receives rows in order; {@code row} is reused: copy what you keep. */
  public interface RowSink {
    void start(List<String> columns, boolean hasIds, boolean hasWeights);

    /** {@code rowNumber} counts the source's rows from 1 (dropped rows included). */
    void row(long rowNumber, String id, float[] row, float weight);
  }

  /** Rows delivered and what missing values there were (fill values not yet known). */
  public record ScanResult(long rows, MissingValues.Report missing) {}

  /**
   * Whether {@code p} is Parquet input: a directory (of Parquet files), a name ending in
   * {@code .parquet}, or a file starting with Parquet's magic bytes {@code PAR1}.
   */
  public static boolean isParquet(Path p) {
    if (Files.isDirectory(p)) return true;
    if (p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet")) return true;
    if (!Files.isRegularFile(p)) return false;
    try (InputStream in = Files.newInputStream(p)) {
      byte[] m = in.readNBytes(4);
      return m.length == 4 && m[0] == 'P' && m[1] == 'A' && m[2] == 'R' && m[3] == '1';
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads a Parquet file or a directory of {@code *.parquet} files (in name order) into memory. */
  public static Read readParquet(Path input, TableOptions options, DuckDbSettings settings) {
    return read(Source.parquet(input), options, settings);
  }

  /** Reads the result of {@code sql} (one SELECT, or any statement DuckDB can use as a subquery) into memory. */
  public static Read readSql(String sql, TableOptions options, DuckDbSettings settings) {
    return read(Source.sql(sql), options, settings);
  }

  /** Streams a Parquet input's rows to {@code sink}, in file order. */
  public static ScanResult scanParquet(Path input, TableOptions options, DuckDbSettings settings, RowSink sink) {
    try (DuckDb db = DuckDb.open(settings)) {
      return scan(db.connection(), Source.parquet(input), options, sink);
    }
  }

  /** Streams the rows of {@code sql}'s result to {@code sink}, in the result's order. */
  public static ScanResult scanSql(String sql, TableOptions options, DuckDbSettings settings, RowSink sink) {
    try (DuckDb db = DuckDb.open(settings)) {
      return scan(db.connection(), Source.sql(sql), options, sink);
    }
  }

  /** What to read: a relation (SQL text usable as a subquery), how to name it, and whether the user wrote it. */
  private record Source(String relation, String where, boolean userSql, String fileList) {
    static Source parquet(Path input) {
      if (!Files.exists(input)) throw new InvalidInputException(input + ": no such file");
      List<String> files = new ArrayList<>();
      if (Files.isDirectory(input)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(input, p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
            .endsWith(".parquet") && Files.isRegularFile(p))) {
          for (Path p : ds) files.add(p.toString());
        } catch (IOException e) {
          throw new UncheckedIOException(input + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) throw new InvalidInputException(input + " is a directory with no .parquet files");
        files.sort(null); // the files' order is the rows' order
      } else {
        if (!Files.isRegularFile(input)) throw new InvalidInputException(input + " is not a regular file");
        files.add(input.toString());
      }
      StringBuilder list = new StringBuilder("[");
      for (String f : files) list.append(list.length() > 1 ? ", " : "").append(DuckDb.literal(f));
      list.append(']');
      return new Source("SELECT * FROM read_parquet(" + list + ")", input.toString(), false, files.size() > 1 ? list.toString() : null);
    }

    /**
     * Where row {@code rowNo} (from 1 over the result) is: the source and the row, and for a directory of several files also the
     * file and its row there, so that the message leads to the file to fix.
     */
    String at(Connection c, long rowNo) {
      String here = where + ", row " + rowNo;
      if (fileList == null) return here;
      String q = "SELECT filename, file_row_number FROM read_parquet(" + fileList + ", filename = true, file_row_number = true) LIMIT 1 OFFSET "
          + (rowNo - 1);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q)) {
        if (rs.next()) return here + " (" + rs.getString(1) + ", row " + (rs.getLong(2) + 1) + ")";
      } catch (SQLException ignored) {
        // the row number over the directory still names the row
      }
      return here;
    }

    /** DuckDB's reason, with the statement's echo when the user wrote it, and a hint for Parquet input. */
    InvalidInputException error(SQLException e) {
      if (userSql) return DuckDb.userError(where, e, true);
      String m = DuckDb.message(e, false);
      java.util.regex.Matcher typed = java.util.regex.Pattern.compile("In file \"([^\"]*)\" the column \"([^\"]*)\" has type (\\S+), but we are "
          + "trying to read it as type (\\S+)").matcher(m);
      if (typed.find()) {
        // One file's column has another type than the first file's: name both, without DuckDB's page of advice.
        return new InvalidInputException(where + ": its Parquet files do not have the same columns: in " + typed.group(1) + ", column '"
            + typed.group(2) + "' is " + typed.group(3) + ", in the first file " + typed.group(4) + " (" + m.lines().findFirst().orElse("")
            + "); give every file the same column types", e);
      }
      if (m.contains("schema mismatch")) {
        // Not damage: the directory's files disagree on their columns. DuckDB's own hint names an option --input cannot pass.
        m = m.replaceAll("\\s*If you are trying to read files with different schemas, try setting union_by_name=True\\s*", "").strip();
        return new InvalidInputException(where + ": its Parquet files do not have the same columns: " + m + "; read one schema per run, or "
            + "join them by column name with --sql \"SELECT * FROM read_parquet('DIR/*.parquet', union_by_name = true)\"", e);
      }
      return new InvalidInputException(where + ": not a readable Parquet file (is it truncated or corrupt?): " + m, e);
    }

    static Source sql(String sql) {
      String s = sql == null ? "" : sql.strip();
      while (s.endsWith(";")) s = s.substring(0, s.length() - 1).strip();
      if (s.isEmpty()) throw new InvalidInputException("--sql: the query is empty");
      return new Source(s, "--sql", true, null);
    }
  }

  private static Read read(Source src, TableOptions options, DuckDbSettings settings) {
    Collector c = new Collector(src.where());
    ScanResult r;
    try (DuckDb db = DuckDb.open(settings)) {
      r = scan(db.connection(), src, options, c);
    }
    return c.dataset(src.where(), options.missing(), r.missing());
  }

  private static ScanResult scan(Connection c, Source src, TableOptions options, RowSink sink) {
    // The column names and types, without reading any rows.
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM (" + src.relation() + ") AS src LIMIT 0")) {
      ResultSetMetaData m = rs.getMetaData();
      for (int j = 1; j <= m.getColumnCount(); j++) {
        names.add(m.getColumnName(j));
        types.add(m.getColumnTypeName(j));
      }
    } catch (SQLException e) {
      throw src.error(e);
    }
    if (names.isEmpty()) throw new InvalidInputException(src.where() + ": the table has no columns");
    for (int j = 0; j < names.size(); j++) {
      for (int i = 0; i < j; i++) {
        if (names.get(i).equals(names.get(j))) {
          throw new InvalidInputException(src.where() + ": column name '" + names.get(j) + "' appears twice (columns " + (i + 1) + " and "
              + (j + 1) + "); rename one");
        }
      }
    }
    int idCol = options.idColumn() == null ? -1 : resolve(names, options.idColumn(), "id column", src.where());
    int weightCol = options.weightColumn() == null ? -1 : resolve(names, options.weightColumn(), "weight column", src.where());
    int[] features = features(names, options, idCol, weightCol, src.where());
    for (int f : features) requireNumeric(names.get(f), types.get(f), src.where());
    if (weightCol >= 0) requireNumeric(names.get(weightCol), types.get(weightCol), src.where());

    StringBuilder q = new StringBuilder("SELECT ");
    for (int j = 0; j < features.length; j++) q.append(j > 0 ? ", " : "").append(asFloat(names.get(features[j]), types.get(features[j])));
    if (idCol >= 0) q.append(", CAST(").append(DuckDb.identifier(names.get(idCol))).append(" AS VARCHAR)");
    if (weightCol >= 0) q.append(", ").append(asFloat(names.get(weightCol), types.get(weightCol)));
    q.append(" FROM (").append(src.relation()).append(") AS src");

    int d = features.length;
    List<String> featureNames = new ArrayList<>(d);
    for (int f : features) featureNames.add(names.get(f));
    sink.start(featureNames, idCol >= 0, weightCol >= 0);
    MissingValues policy = options.missing();
    MissingValues.Strategy ms = policy.strategy();
    long[] missing = new long[d];
    long rowNo = 0, n = 0, dropped = 0;
    float[] row = new float[d];
    List<Long> droppedRows = new ArrayList<>();
    // Nothing is dropped silently: the rows --missing drop leaves out go to the options' file (row number, reason, values).
    try (SkippedRows droppedTo = new SkippedRows(options.droppedRows());
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q.toString())) {
      while (rs.next()) {
        rowNo++;
        boolean anyMissing = false;
        int firstMissing = -1;
        for (int j = 0; j < d; j++) {
          float v = rs.getFloat(j + 1);
          if (rs.wasNull() || v != v) {
            if (firstMissing < 0) firstMissing = j;
            if (ms == MissingValues.Strategy.FAIL) {
              throw new InvalidInputException(src.at(c, rowNo) + ", column '" + featureNames.get(j) + "': missing value ("
                  + (rs.wasNull() ? "NULL" : "NaN") + "); choose a --missing policy (drop, mean, median or constant:VALUE) to accept it");
            }
            missing[j]++;
            anyMissing = true;
            v = ms == MissingValues.Strategy.CONSTANT ? (float) policy.constant() : Float.NaN;
          } else if (!Float.isFinite(v)) {
            throw new InvalidInputException(src.at(c, rowNo) + ", column '" + featureNames.get(j) + "': value " + v
                + " is not finite; NaN and infinite values are not allowed");
          }
          row[j] = v;
        }
        if (anyMissing && ms == MissingValues.Strategy.DROP) {
          dropped++;
          if (droppedRows.size() < 10) droppedRows.add(rowNo);
          droppedTo.reject(rowNo, droppedFields(rs, d, idCol >= 0), src.where() + ", row " + rowNo + ", column '" + featureNames.get(firstMissing)
              + "': missing value, row dropped (--missing drop)");
          continue;
        }
        String id = null;
        int k = d + 1;
        if (idCol >= 0) {
          id = rs.getString(k++);
          id = id == null ? "" : id.strip();
          if (id.isEmpty()) throw new InvalidInputException(src.at(c, rowNo) + ", column '" + names.get(idCol) + "': empty id");
        }
        float w = 1f;
        if (weightCol >= 0) {
          w = rs.getFloat(k);
          String col = names.get(weightCol);
          if (rs.wasNull() || w != w) throw new InvalidInputException(src.at(c, rowNo) + ", column '" + col + "': missing weight");
          if (!(w >= 0) || !Float.isFinite(w)) {
            throw new InvalidInputException(src.at(c, rowNo) + ", column '" + col + "': weight " + w
                + " is invalid; sample weights must be finite and >= 0");
          }
        }
        sink.row(rowNo, id, row, w);
        n++;
      }
    } catch (SQLException e) {
      if (isConversion(e)) throw conversionError(c, src, names, features, weightCol, e);
      throw src.error(e);
    }
    if (n == 0) {
      throw new InvalidInputException(dropped > 0 ? src.where() + ": every row had a missing value and was dropped (" + dropped + " rows)"
          : src.where() + ": no rows" + (src.userSql() ? " (the query's result is empty)" : ""));
    }
    return new ScanResult(n, new MissingValues.Report(dropped, featureNames, missing, null, droppedRows,
        dropped > 0 ? options.droppedRows() : null));
  }

  /** A dropped row as the dropped-rows file shows it: the id (when there is an id column), then the feature values, NULL as empty. */
  private static String[] droppedFields(ResultSet rs, int d, boolean hasId) throws SQLException {
    String[] f = new String[d + (hasId ? 1 : 0)];
    int k = 0;
    if (hasId) {
      String id = rs.getString(d + 1);
      f[k++] = id == null ? "" : id;
    }
    for (int j = 0; j < d; j++) {
      float v = rs.getFloat(j + 1);
      f[k++] = rs.wasNull() ? "" : Float.toString(v);
    }
    return f;
  }

  /**
   * A column as float32, rounded as the text reader rounds a decimal: through float64 (DuckDB's
   * DECIMAL and integer casts to FLOAT round directly, which differs in the last bit now and then).
   */
  private static String asFloat(String name, String type) {
    String col = DuckDb.identifier(name);
    if (type.equals("FLOAT")) return col;
    if (type.equals("DOUBLE")) return "CAST(" + col + " AS FLOAT)";
    return "CAST(CAST(" + col + " AS DOUBLE) AS FLOAT)";
  }

  private static void requireNumeric(String name, String type, String where) {
    String base = type.contains("(") ? type.substring(0, type.indexOf('(')) : type;
    if (!NUMERIC.contains(base)) {
      throw new InvalidInputException(where + ", column '" + name + "': its type is " + type + ", not a number; choose numeric columns "
          + "with --columns, or cast it in --sql");
    }
  }

  private static boolean isConversion(SQLException e) {
    return e.getMessage() != null && (e.getMessage().startsWith("Conversion Error") || e.getMessage().contains("out of range"));
  }

  /** A value that does not fit in float32 stops the query without a row; find the first one to name it. */
  private static InvalidInputException conversionError(Connection c, Source src, List<String> names, int[] features, int weightCol,
                                                       SQLException e) {
    List<Integer> cols = new ArrayList<>();
    for (int f : features) cols.add(f);
    if (weightCol >= 0) cols.add(weightCol);
    for (int f : cols) {
      String col = DuckDb.identifier(names.get(f));
      String q = "SELECT rn, CAST(v AS VARCHAR) FROM (SELECT row_number() OVER () AS rn, " + col + " AS v FROM (" + src.relation()
          + ") AS src) WHERE v IS NOT NULL AND TRY_CAST(CAST(v AS DOUBLE) AS FLOAT) IS NULL LIMIT 1";
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q)) {
        if (rs.next()) {
          return new InvalidInputException(src.where() + ", row " + rs.getLong(1) + ", column '" + names.get(f) + "': value " + rs.getString(2)
              + " is not finite in float32 (beyond 3.4e38); NaN and infinite values are not allowed", e);
        }
      } catch (SQLException ignored) {
        // fall through to DuckDB's own message
      }
    }
    return src.error(e);
  }

  private static int[] features(List<String> names, TableOptions options, int idCol, int weightCol, String where) {
    if (options.columns().isEmpty()) {
      List<Integer> all = new ArrayList<>();
      for (int j = 0; j < names.size(); j++) if (j != idCol && j != weightCol) all.add(j);
      if (all.isEmpty()) throw new InvalidInputException(where + ": no feature columns left after the id and weight columns");
      return all.stream().mapToInt(Integer::intValue).toArray();
    }
    int[] cols = new int[options.columns().size()];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = resolve(names, options.columns().get(i), "column", where);
      for (int p = 0; p < i; p++) {
        if (cols[p] == cols[i]) throw new InvalidInputException("columns: '" + options.columns().get(i) + "' is listed twice");
      }
    }
    return cols;
  }

  /** A column by exact name, then by case-insensitive name, then by 1-based number (as the text reader). */
  private static int resolve(List<String> names, String wanted, String role, String where) {
    String w = wanted.strip();
    int idx = names.indexOf(w);
    if (idx >= 0) return idx;
    for (int j = 0; j < names.size(); j++) if (names.get(j).equalsIgnoreCase(w)) return j;
    if (w.matches("\\d+")) {
      int num = Integer.parseInt(w);
      if (num >= 1 && num <= names.size()) return num - 1;
    }
    throw new InvalidInputException(role + " '" + w + "' not found in " + where + "; its columns are: " + String.join(", ", names)
        + " (or give a 1-based column number)");
  }

  /** Collects rows into one off-heap float32 matrix, with ids and weights on the heap. */
  private static final class Collector implements RowSink {
    private final String where;
    private List<String> columns;
    private int d;
    private final List<float[]> blocks = new ArrayList<>();
    private float[] block;
    private int inBlock;
    private long n;
    private List<String> ids;
    private Map<String, Long> idRow;
    private float[] weights;

    Collector(String where) {
      this.where = where;
    }

    @Override public void start(List<String> cols, boolean hasIds, boolean hasWeights) {
      columns = cols;
      d = cols.size();
      block = new float[Math.max(d, BLOCK / d * d)];
      if (hasIds) {
        ids = new ArrayList<>();
        idRow = new HashMap<>();
      }
      if (hasWeights) weights = new float[1024];
    }

    @Override public void row(long rowNumber, String id, float[] row, float weight) {
      if (ids != null) {
        Long prev = idRow.putIfAbsent(id, rowNumber);
        if (prev != null) throw new InvalidInputException(where + ", row " + rowNumber + ": duplicate id '" + id + "' (first seen in row " + prev + ")");
        ids.add(id);
      }
      if (inBlock == block.length) {
        blocks.add(block);
        block = new float[block.length];
        inBlock = 0;
      }
      System.arraycopy(row, 0, block, inBlock, d);
      inBlock += d;
      if (weights != null) {
        if (n == weights.length) {
          if (n > Integer.MAX_VALUE - 16) throw new InvalidInputException(n + " rows is too many for in-memory weights; use the feature store");
          weights = Arrays.copyOf(weights, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * weights.length));
        }
        weights[(int) n] = weight;
      }
      n++;
    }

    Read dataset(String where, MissingValues policy, MissingValues.Report report) {
      if (ids != null && n > Integer.MAX_VALUE - 8) throw new InvalidInputException(where + ": " + n + " rows is too many for in-memory ids; use the feature store");
      // An automatic arena: the matrix lives as long as the Dataset that refers to it.
      MemorySegment seg = Arena.ofAuto().allocate(n * d * Float.BYTES, 64);
      long off = 0;
      for (float[] b : blocks) {
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, off, b.length);
        off += (long) b.length * Float.BYTES;
      }
      MemorySegment.copy(block, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, off, inBlock);
      HostMatrix matrix = HostMatrix.of(seg, n, d);
      double[] fill = null;
      MissingValues.Strategy s = policy.strategy();
      if (report.missingCells() > 0 && (s == MissingValues.Strategy.MEAN || s == MissingValues.Strategy.MEDIAN)) {
        fill = fillValues(matrix, s, where);
        for (long i = 0; i < n * d; i++) {
          float v = seg.getAtIndex(ValueLayout.JAVA_FLOAT, i);
          if (v != v) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) fill[(int) (i % d)]);
        }
      } else if (s == MissingValues.Strategy.CONSTANT) {
        fill = new double[d];
        Arrays.fill(fill, policy.constant());
      }
      Dataset data;
      try {
        data = Dataset.of(matrix, columns, ids == null ? null : ids.toArray(String[]::new), weights == null ? null : Arrays.copyOf(weights, (int) n));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(where + ": " + e.getMessage(), e);
      }
      return new Read(data, report.withFillValues(fill));
    }

    /** Each column's mean (Welford, in row order) or exact median over its present values: the text reader's fill values. */
    private double[] fillValues(HostMatrix x, MissingValues.Strategy s, String where) {
      double[] out = new double[d];
      if (s == MissingValues.Strategy.MEDIAN) {
        double[][] q = ExactQuantiles.of(x, new double[] {0.5}, null);
        for (int j = 0; j < d; j++) out[j] = q[j][0];
      } else {
        long[] c = new long[d];
        float[] r = new float[d];
        for (long i = 0; i < x.rows(); i++) {
          x.copyRow(i, r, 0);
          for (int j = 0; j < d; j++) {
            if (r[j] != r[j]) continue;
            c[j]++;
            out[j] += (r[j] - out[j]) / c[j];
          }
        }
        for (int j = 0; j < d; j++) if (c[j] == 0) out[j] = Double.NaN;
      }
      for (int j = 0; j < d; j++) {
        if (Double.isNaN(out[j])) throw new InvalidInputException(where + ", column '" + columns.get(j) + "': every value is missing; nothing to fill with");
      }
      return out;
    }
  }
}
