package io.segmenta.ingest;

import io.segmenta.InvalidInputException;
import io.segmenta.data.TableReader;
import io.segmenta.data.TextFormat;
import io.segmenta.data.sql.DuckDb;
import io.segmenta.data.sql.DuckDbSettings;
import io.segmenta.store.FeatureStoreWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * {@link RfmIngest}'s features as one DuckDB query over the transaction file: the same definitions,
 * the same float64 arithmetic in the same order (each customer's values are summed in file order),
 * so the same float32 features, customer by customer.
 *
 * <p>The query reads the file as text and checks every field the way the hand-written path parses
 * it (decimal numbers, timestamps that match the pattern's fixed layout). It handles the common
 * case, a clean log; a log with any line the hand-written path would reject (a malformed number or
 * timestamp, a ragged row, anything DuckDB's CSV reader refuses), a whitespace-separated log, or a
 * timestamp pattern outside {@code yyyy MM dd HH mm ss} and literals is handed to
 * {@link RfmIngest}, which names the line or writes the rejects. Lines without a customer id are
 * counted and written to the rejects file, as there; their line numbers count records (the same as
 * lines unless a quoted field spans lines).
 *
 * <p>Customers are written to the store in the order of their first line in the log.
 */
public final class RfmSql {
  static final String NO_CUSTOMER = "no customer id: the line cannot be attributed to a customer";
  /** A decimal number as {@link Double#parseDouble} reads it and DuckDB's cast reads it the same way. */
  private static final String DECIMAL = "[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?";
  /** What {@link String#strip()} removes from the ends of a field (ASCII whitespace and the separators Java counts). */
  private static final String STRIP = "' \t\n\u000B\f\r\u001C\u001D\u001E\u001F'";

  private RfmSql() {}

  /** Why the SQL path cannot reproduce the hand-written one for this layout and file, or null when it can. */
  public static String unsupported(Path input, TransactionLayout l) {
    if (timestampFormat(l.timestampPattern()) == null) {
      return "timestamp pattern '" + l.timestampPattern() + "' is outside what the SQL path translates (yyyy MM dd HH mm ss and literals)";
    }
    TextFormat f = format(input, l);
    if (f == null) return "the file could not be read: the hand-written path names the problem";
    if (f != TextFormat.CSV && f != TextFormat.TSV) return f.optionName() + " logs are read by the hand-written path";
    return null;
  }

  /**
   * Aggregates {@code input} into a store, or hands it to {@link RfmIngest#run} when the SQL path
   * cannot give the same result (see the class comment). Arguments as there.
   */
  public static RfmIngest.Report run(Path input, TransactionLayout layout, LocalDate referenceDate, TableReader.Malformed policy,
                                     Path rejectsFile, Path store, boolean overwrite, LongConsumer progress, DuckDbSettings settings) {
    return tryRun(input, layout, referenceDate, rejectsFile, store, overwrite, progress, settings)
        .orElseGet(() -> RfmIngest.run(input, layout, referenceDate, policy, rejectsFile, store, overwrite, progress));
  }

  /**
   * The SQL path alone: the report, or empty when the log needs the hand-written path (nothing is
   * written then). Errors that both paths report alike (a layout column missing from the header)
   * are thrown.
   */
  public static Optional<RfmIngest.Report> tryRun(Path input, TransactionLayout layout, LocalDate referenceDate, Path rejectsFile, Path store,
                                                  boolean overwrite, LongConsumer progress, DuckDbSettings settings) {
    long t0 = System.nanoTime();
    if (!Files.isRegularFile(input) || unsupported(input, layout) != null) return Optional.empty();
    try (DuckDb db = DuckDb.open(settings)) {
      Connection c = db.connection();
      TextFormat format = format(input, layout);
      List<String> header = header(input, format);
      if (header == null) return Optional.empty();
      String csv = readCsv(input, format, header.size());
      Columns cols = new Columns(header, layout, input);
      List<String> features = RfmIngest.featureNames(layout);
      Result r = aggregate(c, query(csv, cols, layout, referenceDate), features, input, store, overwrite);
      if (r == null) return Optional.empty();
      if (r.withoutCustomer > 0) writeRejects(c, csv, cols, header.size(), rejectsFile);
      try {
        progress.accept(Files.size(input));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Optional.of(new RfmIngest.Report(r.lines, r.customers, 0, r.withoutCustomer, LocalDateTime.ofEpochSecond(r.reference, 0, ZoneOffset.UTC),
          features, r.withoutCustomer > 0 ? rejectsFile : null, (System.nanoTime() - t0) / 1e9));
    }
  }

  /** Per-file totals of the aggregation, or null to hand over. */
  private record Result(long lines, long customers, long withoutCustomer, long reference) {}

  /** Where the layout's fields are in the file's header (as the hand-written path finds them). */
  record Columns(String cust, String time, String inv, String prod, String qty, String price, String amount) {
    Columns(List<String> names, TransactionLayout l, Path input) {
      this(col(names, l.customer(), "customer", input), col(names, l.timestamp(), "timestamp", input),
          l.invoice() == null ? null : col(names, l.invoice(), "invoice", input),
          l.product() == null ? null : col(names, l.product(), "product", input),
          l.quantity() == null ? null : col(names, l.quantity(), "quantity", input),
          l.unitPrice() == null ? null : col(names, l.unitPrice(), "unit price", input),
          l.amount() == null ? null : col(names, l.amount(), "amount", input));
    }

    /** The column's name in the query: {@code cN}, N its 1-based position (the header may repeat a name). */
    private static String col(List<String> names, String name, String role, Path input) {
      int i = names.indexOf(name);
      for (int j = 0; i < 0 && j < names.size(); j++) if (names.get(j).equalsIgnoreCase(name)) i = j;
      if (i >= 0) return "c" + (i + 1);
      throw new InvalidInputException(role + " column '" + name + "' not found in " + input + "; its columns are: " + String.join(", ", names));
    }
  }

  /**
   * The one query: each line parsed and checked, then per customer the aggregates and the
   * features, with file totals as window columns (lines, lines that need the hand-written path,
   * lines without a customer, the reference time).
   */
  static String query(String csv, Columns c, TransactionLayout l, LocalDate referenceDate) {
    String[] fmt = timestampFormat(l.timestampPattern());
    StringBuilder badNumber = new StringBuilder("false");
    for (String n : new String[] {c.qty(), c.price() != null ? c.price() : c.amount()}) {
      if (n == null) continue;
      badNumber.append(" OR NOT regexp_full_match(").append(strip(n)).append(", '").append(DECIMAL).append("') OR NOT isfinite(TRY_CAST(")
          .append(strip(n)).append(" AS DOUBLE))");
    }
    String qty = c.qty() == null ? "1.0::DOUBLE" : "TRY_CAST(" + strip(c.qty()) + " AS DOUBLE)";
    String value = c.price() != null ? qty + " * TRY_CAST(" + strip(c.price()) + " AS DOUBLE)"
        : c.amount() != null ? "TRY_CAST(" + strip(c.amount()) + " AS DOUBLE)" : "0.0::DOUBLE";
    String cancel = c.inv() != null && l.cancelPrefix() != null ? "starts_with(inv, " + DuckDb.literal(l.cancelPrefix()) + ")" : "false";
    String occasion = c.inv() != null ? "inv" : "CAST(ts // 86400 AS VARCHAR)";
    String ref = referenceDate != null ? Long.toString(referenceDate.atStartOfDay().toEpochSecond(ZoneOffset.UTC))
        : "(max_time - ((max_time % 86400) + 86400) % 86400 + 86400)";
    String day = "86400::DOUBLE";
    StringBuilder f = new StringBuilder();
    f.append("CAST((").append(ref).append(" - last_t)::DOUBLE / ").append(day).append(" AS FLOAT) AS recency_days");
    f.append(", CAST(freq AS FLOAT) AS frequency");
    if (l.hasValue()) f.append(", CAST(net AS FLOAT) AS monetary");
    f.append(", CAST((").append(ref).append(" - first_t)::DOUBLE / ").append(day).append(" AS FLOAT) AS tenure_days");
    if (l.hasValue()) f.append(", CAST(CASE WHEN freq > 0 THEN gross / freq::DOUBLE ELSE 0.0::DOUBLE END AS FLOAT) AS avg_basket_value");
    if (l.product() != null) f.append(", CAST(products AS FLOAT) AS distinct_products");
    if (l.quantity() != null || l.cancelPrefix() != null) {
      f.append(", CAST(CASE WHEN lines = 0 THEN 0.0::DOUBLE ELSE returns::DOUBLE / lines::DOUBLE END AS FLOAT) AS return_rate");
    }
    f.append(", CAST(CASE WHEN freq >= 2 THEN ((last_t - first_t)::DOUBLE / ").append(day).append(") / (freq - 1)::DOUBLE ELSE (")
        .append(ref).append(" - first_t)::DOUBLE / ").append(day).append(" END AS FLOAT) AS mean_interpurchase_days");
    return """
        WITH raw AS (SELECT row_number() OVER () AS rn, * FROM %s),
        fields AS (
          SELECT rn, %s AS cust0, %s AS time0, CAST(epoch(try_strptime(%s, %s)) AS BIGINT) AS ts, %s AS qty0,
                 %s AS value, %s AS inv, %s AS product, (%s) AS bad_number
          FROM raw),
        lines AS (
          SELECT rn, CASE WHEN contains(cust0, '.') THEN regexp_replace(cust0, '^(\\p{Nd}+)[.]0*$', '\\1') ELSE cust0 END AS cust,
                 ts, value, (%s OR qty0 < 0) AS ret, %s AS occasion, product,
                 cust0 <> '' AND (ts IS NULL OR NOT regexp_full_match(time0, %s) OR bad_number) AS bad
          FROM fields),
        customers AS (
          SELECT cust, min(rn) AS first_rn, count(*) AS lines, count(*) FILTER (WHERE bad) AS bad_lines,
                 count(*) FILTER (WHERE ret) AS returns,
                 sum(value ORDER BY rn) + 0.0::DOUBLE AS net,
                 coalesce(sum(value ORDER BY rn) FILTER (WHERE NOT ret), 0.0::DOUBLE) + 0.0::DOUBLE AS gross,
                 count(DISTINCT occasion) FILTER (WHERE NOT ret) AS freq,
                 count(DISTINCT product) FILTER (WHERE NOT ret) AS products,
                 CASE WHEN count(*) FILTER (WHERE NOT ret) > 0 THEN min(ts) FILTER (WHERE NOT ret) ELSE min(ts) END AS first_t,
                 CASE WHEN count(*) FILTER (WHERE NOT ret) > 0 THEN max(ts) FILTER (WHERE NOT ret) ELSE max(ts) END AS last_t,
                 max(ts) AS max_t
          FROM lines GROUP BY cust),
        totals AS (
          SELECT *, CAST(sum(lines) OVER () AS BIGINT) AS total_lines, CAST(sum(bad_lines) OVER () AS BIGINT) AS total_bad,
                 CAST(coalesce(max(CASE WHEN cust = '' THEN lines END) OVER (), 0) AS BIGINT) AS no_customer,
                 max(CASE WHEN cust <> '' THEN max_t END) OVER () AS max_time
          FROM customers)
        SELECT cust, total_lines, total_bad, no_customer, %s AS reference, %s
        FROM totals WHERE cust <> '' OR total_bad > 0 OR no_customer = total_lines
        ORDER BY first_rn
        """.formatted(csv, strip(c.cust()), strip(c.time()), strip(c.time()), DuckDb.literal(fmt[0]), qty, value,
        c.inv() == null ? "''" : strip(c.inv()), c.prod() == null ? "''" : strip(c.prod()), badNumber, cancel, occasion, DuckDb.literal(fmt[1]), ref, f);
  }

  private static Result aggregate(Connection c, String sql, List<String> features, Path input, Path store, boolean overwrite) {
    int d = features.size();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) return null; // no data lines: the hand-written path names the problem
      long lines = rs.getLong(2), bad = rs.getLong(3), withoutCustomer = rs.getLong(4), reference = rs.getLong(5);
      if (bad > 0) return null;
      if (rs.getString(1).isEmpty()) return null; // no line has a customer: the hand-written path writes the rejects and says so
      long customers = 0;
      float[] row = new float[d];
      try (FeatureStoreWriter w = FeatureStoreWriter.create(store, features, true, overwrite,
          input + " (rfm, reference " + LocalDateTime.ofEpochSecond(reference, 0, ZoneOffset.UTC) + ")")) {
        do {
          for (int j = 0; j < d; j++) row[j] = rs.getFloat(6 + j);
          w.append(rs.getString(1), row);
          customers++;
        } while (rs.next());
        w.commit().close();
      }
      return new Result(lines, customers, withoutCustomer, reference);
    } catch (SQLException e) {
      if (System.getenv("SEGMENTA_DEBUG_SQL") != null) System.err.println(e + "\n" + sql);
      // A file DuckDB's reader refuses (a ragged row, an unclosed quote, bad UTF-8): the hand-written path names the line.
      return null;
    }
  }

  private static void writeRejects(Connection c, String csv, Columns cols, int width, Path rejectsFile) {
    String sql = "SELECT * FROM (SELECT row_number() OVER () AS rn, * FROM " + csv + ") AS raw WHERE " + strip(cols.cust()) + " = '' ORDER BY rn";
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql); RejectsFile rej = new RejectsFile(rejectsFile)) {
      String[] f = new String[width];
      while (rs.next()) {
        for (int j = 0; j < width; j++) {
          String v = rs.getString(j + 2);
          f[j] = v == null ? "" : v;
        }
        rej.reject(rs.getLong(1) + 1, f, NO_CUSTOMER);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("writing the rejects of " + csv + ": " + e.getMessage(), e);
    }
  }

  /**
   * The header's names, read as the hand-written path reads them (the first line, stripped), or null
   * when the file has no line.
   */
  private static List<String> header(Path input, TextFormat format) {
    try (InputStream raw = Files.newInputStream(input);
         InputStream in = gzip(input) ? new GZIPInputStream(raw) : raw;
         de.siegmar.fastcsv.reader.CsvReader<de.siegmar.fastcsv.reader.CsvRecord> csv = de.siegmar.fastcsv.reader.CsvReader.builder()
             .fieldSeparator(format == TextFormat.TSV ? '\t' : ',').skipEmptyLines(true).allowExtraFields(true).allowMissingFields(true)
             .ofCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (var r : csv) {
        if (r.getFieldCount() == 1 && r.getField(0).isBlank()) continue;
        List<String> names = new ArrayList<>();
        for (String f : r.getFields()) names.add(f.strip());
        return names;
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // the hand-written path names the problem
    }
  }

  /** A column, missing fields as empty strings, stripped as {@link String#strip()} does (ASCII whitespace). */
  private static String strip(String column) {
    return "trim(coalesce(" + DuckDb.identifier(column) + ", ''), " + STRIP + ")";
  }

  /** read_csv over the file: every field as text, no type guessing, the separator and compression given. */
  static String readCsv(Path input, TextFormat format, int width) {
    StringBuilder cols = new StringBuilder("{");
    for (int j = 1; j <= width; j++) cols.append(j > 1 ? ", " : "").append("'c").append(j).append("': 'VARCHAR'");
    return "read_csv(" + DuckDb.literal(input.toAbsolutePath().toString()) + ", header = true, auto_detect = false, columns = " + cols
        + "}, delim = " + (format == TextFormat.TSV ? "E'\\t'" : "','") + ", quote = '\"', escape = '\"', compression = '"
        + (gzip(input) ? "gzip" : "none") + "', null_padding = false, strict_mode = true)";
  }

  /**
   * A java.time pattern as {strptime format, regex of its fixed layout}, or null when it uses more
   * than {@code yyyy uuuu MM dd HH mm ss} and literals (or HH without mm, which the hand-written
   * path rejects).
   */
  static String[] timestampFormat(String pattern) {
    StringBuilder f = new StringBuilder(), re = new StringBuilder();
    boolean hour = false, minute = false;
    int i = 0;
    while (i < pattern.length()) {
      char ch = pattern.charAt(i);
      if (Character.isLetter(ch)) {
        int j = i;
        while (j < pattern.length() && pattern.charAt(j) == ch) j++;
        String tok = pattern.substring(i, j);
        switch (tok) {
          case "yyyy", "uuuu" -> { f.append("%Y"); re.append("[0-9]{4}"); }
          case "MM" -> { f.append("%m"); re.append("[0-9]{2}"); }
          case "dd" -> { f.append("%d"); re.append("[0-9]{2}"); }
          case "HH" -> { f.append("%H"); re.append("[0-9]{2}"); hour = true; }
          case "mm" -> { f.append("%M"); re.append("[0-9]{2}"); minute = true; }
          case "ss" -> { f.append("%S"); re.append("[0-9]{2}"); }
          default -> { return null; }
        }
        i = j;
      } else if (ch == '\'') {
        int end = pattern.indexOf('\'', i + 1);
        if (end < 0 || end == i + 1) return null;
        for (char lc : pattern.substring(i + 1, end).toCharArray()) literal(lc, f, re);
        i = end + 1;
      } else if (ch == '[' || ch == ']' || ch == '#' || ch == '{' || ch == '}') {
        return null; // optional sections and reserved characters
      } else {
        literal(ch, f, re);
        i++;
      }
    }
    if (hour && !minute) return null;
    return new String[] {f.toString(), re.toString()};
  }

  private static void literal(char ch, StringBuilder f, StringBuilder re) {
    f.append(ch == '%' ? "%%" : String.valueOf(ch));
    re.append(Character.isLetterOrDigit(ch) ? String.valueOf(ch) : "[" + (ch == '\\' || ch == ']' || ch == '^' ? "\\" + ch : String.valueOf(ch)) + "]");
  }

  /** The log's format: as given, or as the hand-written path detects it (one detection; null when unreadable). */
  private static TextFormat format(Path input, TransactionLayout l) {
    return l.format() != TextFormat.AUTO ? l.format() : TableReader.detectFields(input);
  }

  private static boolean gzip(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    } catch (IOException e) {
      return false;
    }
  }

  /** A rough size rule for {@link Engine#AUTO}: see benchmarks/RESULTS.md. */
  public enum Engine {
    /** The hand-written streaming aggregation (Chronicle Map). */
    JAVA,
    /** This class's DuckDB query. */
    SQL,
    /** SQL from {@link #SQL_FROM_BYTES} of input up, the hand-written path below. */
    AUTO;

    public static Engine parse(String s) {
      return switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "java" -> JAVA;
        case "sql", "duckdb" -> SQL;
        case "auto" -> AUTO;
        default -> throw new InvalidInputException("--engine: expected auto, java or sql, got '" + s + "'");
      };
    }
  }

  /** Input size (bytes on disk) from which {@link Engine#AUTO} takes the SQL path. */
  public static final long SQL_FROM_BYTES = 64L << 20;

  /** Runs the chosen engine. */
  public static RfmIngest.Report run(Engine engine, Path input, TransactionLayout layout, LocalDate referenceDate, TableReader.Malformed policy,
                                     Path rejectsFile, Path store, boolean overwrite, LongConsumer progress) {
    return run(engine, input, layout, referenceDate, policy, rejectsFile, store, overwrite, progress, null);
  }

  /** As {@link #run(Engine, Path, TransactionLayout, LocalDate, TableReader.Malformed, Path, Path, boolean, LongConsumer)}; the
   * hand-written path also keeps the purchase lines in {@code purchases} (see {@link PurchaseLog#available()}). */
  public static RfmIngest.Report run(Engine engine, Path input, TransactionLayout layout, LocalDate referenceDate, TableReader.Malformed policy,
                                     Path rejectsFile, Path store, boolean overwrite, LongConsumer progress, PurchaseLog purchases) {
    boolean sql = switch (engine) {
      case JAVA -> false;
      case SQL -> true;
      case AUTO -> {
        try {
          yield Files.size(input) >= SQL_FROM_BYTES;
        } catch (IOException e) {
          yield false; // the hand-written path names the file
        }
      }
    };
    if (sql) {
      return tryRun(input, layout, referenceDate, rejectsFile, store, overwrite, progress, DuckDbSettings.defaults())
          .orElseGet(() -> RfmIngest.run(input, layout, referenceDate, policy, rejectsFile, store, overwrite, progress, purchases));
    }
    return RfmIngest.run(input, layout, referenceDate, policy, rejectsFile, store, overwrite, progress, purchases);
  }
}
