package io.segmenta.ingest;

import io.segmenta.InvalidInputException;
import io.segmenta.data.TableReader;
import io.segmenta.data.TextFormat;
import io.segmenta.store.FeatureStoreWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Turns a transaction log into one feature row per customer, in a feature store. One streaming pass
 * aggregates per customer, per customer-invoice and per customer-product: on the heap (hash maps,
 * a primitive set of pairs) when the log's worst case fits in a quarter of the heap, else into
 * off-heap Chronicle Maps, so that memory does not grow with the number of customers; a second pass
 * over the customer map writes the store (both paths fill that map in the order of each customer's
 * first accepted line, so the store's rows come in the same order).
 *
 * <p>Features (in this order; those whose fields the layout lacks are left out):
 * <ul>
 *   <li>{@code recency_days}: days from the last purchase to the reference date;
 *   <li>{@code frequency}: distinct purchase invoices (or purchase days without an invoice column);
 *   <li>{@code monetary}: net value, returns and cancellations subtracted;
 *   <li>{@code tenure_days}: days from the first purchase to the reference date;
 *   <li>{@code avg_basket_value}: gross purchase value / frequency;
 *   <li>{@code distinct_products}: distinct products bought;
 *   <li>{@code return_rate}: returned or cancelled lines / all lines;
 *   <li>{@code mean_interpurchase_days}: (last - first purchase) / (frequency - 1); for a customer
 *       with a single purchase, the tenure (the gap to a next purchase is at least that long).
 * </ul>
 * A customer with only returns has frequency 0, and recency and tenure from its first and last
 * transaction. The reference date defaults to the day after the last transaction in the log.
 * Lines without a customer id cannot be attributed: they are counted and written to the rejects
 * file, never silently dropped.
 */
public final class RfmIngest {
  private static final int AGG = 8 * Long.BYTES;
  // Aggregate slots, in one 64-byte value per customer.
  private static final int FIRST = 0, LAST = 1, GROSS = 2, NET = 3, LINES = 4, RETURNS = 5, FREQ = 6, PRODUCTS = 7;

  private RfmIngest() {}

  /** What an RFM ingest did. */
  public record Report(long lines, long customers, long rejected, long withoutCustomer, LocalDateTime reference, List<String> features,
                       Path rejectsFile, double seconds) {}

  public static Report run(Path input, TransactionLayout layout, LocalDate referenceDate, TableReader.Malformed policy, Path rejectsFile,
                           Path store, boolean overwrite, LongConsumer progress) {
    return run(input, layout, referenceDate, policy, rejectsFile, store, overwrite, progress, null);
  }

  /**
   * As {@link #run(Path, TransactionLayout, LocalDate, TableReader.Malformed, Path, Path, boolean, LongConsumer)}, also
   * keeping in {@code purchases} (when not null) the purchase lines {@link io.segmenta.insights.TopProducts} counts, so that
   * it need not read the log a second time.
   */
  public static Report run(Path input, TransactionLayout layout, LocalDate referenceDate, TableReader.Malformed policy, Path rejectsFile,
                           Path store, boolean overwrite, LongConsumer progress, PurchaseLog purchases) {
    return run(input, layout, referenceDate, policy, rejectsFile, store, overwrite, progress, purchases, Mode.AUTO);
  }

  /** Where the streaming pass keeps its aggregates. */
  enum Mode {
    /** Java heap (hash maps and a primitive set of pairs): several times faster; memory grows with customers and pairs. */
    HEAP,
    /** Off-heap Chronicle Maps: memory independent of the number of customers. */
    OFF_HEAP,
    /** HEAP when the estimated lines' worst case fits in a quarter of the maximum heap ({@link #heapFits}), OFF_HEAP otherwise. */
    AUTO
  }

  /**
   * Heap bytes per line at worst on the heap path: every line a new customer-invoice and customer-product pair (a slot in a
   * primitive set that is at most half full, 2 x 16 bytes while it grows) and a new interned invoice (a String and a map entry).
   */
  static final long HEAP_BYTES_PER_LINE = 160;

  /** Whether {@link Mode#AUTO} aggregates {@code estimatedLines} on the heap: the worst case within a quarter of -Xmx. */
  static boolean heapFits(long estimatedLines) {
    return estimatedLines <= Runtime.getRuntime().maxMemory() / 4 / HEAP_BYTES_PER_LINE;
  }

  static Report run(Path input, TransactionLayout layout, LocalDate referenceDate, TableReader.Malformed policy, Path rejectsFile,
                    Path store, boolean overwrite, LongConsumer progress, PurchaseLog purchases, Mode mode) {
    long t0 = System.nanoTime();
    Path work = store.toAbsolutePath().resolveSibling(store.getFileName() + ".rfm-work");
    DateTimeFormatter fmt;
    try {
      fmt = DateTimeFormatter.ofPattern(layout.timestampPattern());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("timestamp pattern '" + layout.timestampPattern() + "' is invalid: " + e.getMessage());
    }
    long estimate;
    try {
      long size = Files.size(input);
      boolean gz = input.getFileName().toString().endsWith(".gz");
      estimate = Math.max(1024, (gz ? size * 7 : size) / 40);
    } catch (IOException e) {
      throw new InvalidInputException(input + ": no such file");
    }
    try {
      deleteTree(work);
      Files.createDirectories(work);
      boolean heap = mode == Mode.HEAP || (mode == Mode.AUTO && heapFits(estimate));
      // On the heap path the maps are made after the pass (a warm-up may be setting Chronicle up meanwhile).
      ChronicleMap<CharSequence, byte[]> customers = heap ? null : customerMap(work, estimate);
      try (AutoCloseable c1 = () -> { if (customers != null) customers.close(); };
           ChronicleMap<CharSequence, Long> seen = heap ? null : ChronicleMap.of(CharSequence.class, Long.class).name("rfm-pairs")
              .entries(estimate).averageKeySize(24).maxBloatFactor(20).createPersistedTo(work.resolve("pairs.cm").toFile());
           RejectsFile rejects = new RejectsFile(rejectsFile)) {
        Aggregator agg = heap ? new HeapAggregator(input, layout, fmt, policy, rejects, purchases)
            : new OffHeapAggregator(input, layout, fmt, policy, rejects, purchases, customers, seen);
        long lines = TableReader.streamFields(input, layout.format(), progress, agg);
        if (agg.maxTime == Long.MIN_VALUE) throw new InvalidInputException(input + ": no transaction with a customer id");
        return write(input, layout, referenceDate, rejectsFile, store, overwrite, t0, heap ? customerMap(work, estimate) : customers, heap, agg, lines,
            purchases);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("RFM ingest of " + input + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      deleteTree(work);
    }
  }

  /**
   * The customer map, made the same way on both paths (same name, size and file): the store's rows follow its iteration order,
   * which depends on the keys and their insertion order only.
   */
  private static ChronicleMap<CharSequence, byte[]> customerMap(Path work, long estimate) throws IOException {
    ChronicleWarmup.ensure();
    return ChronicleMap.of(CharSequence.class, byte[].class).name("rfm-customers")
        .entries(Math.max(1024, estimate / 4)).averageKeySize(12).constantValueSizeBySample(new byte[AGG]).maxBloatFactor(20)
        .createPersistedTo(work.resolve("customers.cm").toFile());
  }

  private static Report write(Path input, TransactionLayout layout, LocalDate referenceDate, Path rejectsFile, Path store, boolean overwrite, long t0,
                              ChronicleMap<CharSequence, byte[]> customers, boolean own, Aggregator agg, long lines, PurchaseLog purchases)
      throws IOException {
    try {
        agg.finish(customers);
        if (purchases != null) purchases.complete();
        long ref = referenceDate != null ? referenceDate.atStartOfDay().toEpochSecond(ZoneOffset.UTC)
            : LocalDateTime.ofEpochSecond(agg.maxTime, 0, ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        List<String> features = featureNames(layout);
        try (FeatureStoreWriter w = FeatureStoreWriter.create(store, features, true, overwrite, input + " (rfm, reference "
            + LocalDateTime.ofEpochSecond(ref, 0, ZoneOffset.UTC) + ")")) {
          float[] row = new float[features.size()];
          ByteBuffer b = ByteBuffer.allocate(AGG);
          for (var e : customers.entrySet()) {
            b.clear();
            b.put(e.getValue()).flip();
            long[] a = new long[8];
            for (int i = 0; i < 8; i++) a[i] = b.getLong(i * 8);
            features(layout, a, ref, row);
            w.append(e.getKey().toString(), row);
          }
          w.commit().close();
        }
        return new Report(lines, customers.longSize(), agg.rejected, agg.withoutCustomer, LocalDateTime.ofEpochSecond(ref, 0, ZoneOffset.UTC),
            features, agg.rejected + agg.withoutCustomer > 0 ? rejectsFile : null, (System.nanoTime() - t0) / 1e9);
    } finally {
      if (own) customers.close();
    }
  }

  /** The feature columns an RFM ingest writes for this layout, in order. */
  public static List<String> featureNames(TransactionLayout l) {
    List<String> f = new ArrayList<>(List.of("recency_days", "frequency"));
    if (l.hasValue()) f.add("monetary");
    f.add("tenure_days");
    if (l.hasValue()) f.add("avg_basket_value");
    if (l.product() != null) f.add("distinct_products");
    if (l.quantity() != null || l.cancelPrefix() != null) f.add("return_rate");
    f.add("mean_interpurchase_days");
    return f;
  }

  private static void features(TransactionLayout l, long[] a, long ref, float[] row) {
    double day = 86_400.0;
    long first = a[FIRST], last = a[LAST];
    long freq = a[FREQ];
    double gross = Double.longBitsToDouble(a[GROSS]), net = Double.longBitsToDouble(a[NET]);
    int j = 0;
    row[j++] = (float) ((ref - last) / day);
    row[j++] = freq;
    if (l.hasValue()) row[j++] = (float) net;
    double tenure = (ref - first) / day;
    row[j++] = (float) tenure;
    if (l.hasValue()) row[j++] = (float) (freq > 0 ? gross / freq : 0);
    if (l.product() != null) row[j++] = a[PRODUCTS];
    if (l.quantity() != null || l.cancelPrefix() != null) row[j++] = (float) (a[LINES] == 0 ? 0 : (double) a[RETURNS] / a[LINES]);
    row[j] = (float) (freq >= 2 ? (last - first) / day / (freq - 1) : tenure);
  }

  /** The streaming pass: each transaction line parsed and checked, then accounted by a subclass. */
  private abstract static class Aggregator implements TableReader.FieldSink {
    private final Path input;
    final TransactionLayout l;
    private final DateTimeFormatter fmt;
    private final FixedTimestamp fast;
    private final boolean dateOnly;
    private final TableReader.Malformed policy;
    private final RejectsFile rejects;
    private final PurchaseLog purchases;
    private TextFormat format = TextFormat.CSV;
    private int cCust, cTime, cInv = -1, cProd = -1, cQty = -1, cPrice = -1, cAmount = -1, width;
    // The columns as TopProducts finds them (exact names), for the purchase capture.
    private int pCust = -1, pProd = -1, pDesc = -1, pQty = -1, pInv = -1;
    /** Whether TopProducts finds the columns this pass reads (then an accepted line's parsed fields serve the capture). */
    private boolean sameColumns;
    long maxTime = Long.MIN_VALUE;
    long rejected;
    long withoutCustomer;

    Aggregator(Path input, TransactionLayout l, DateTimeFormatter fmt, TableReader.Malformed policy, RejectsFile rejects, PurchaseLog purchases) {
      this.input = input;
      this.l = l;
      this.fmt = fmt;
      this.fast = FixedTimestamp.compile(l.timestampPattern());
      this.dateOnly = !l.timestampPattern().contains("H") && !l.timestampPattern().contains("h");
      this.policy = policy;
      this.rejects = rejects;
      this.purchases = purchases;
    }

    @Override
    public void header(List<String> names) {
      width = names.size();
      cCust = col(names, l.customer(), "customer");
      cTime = col(names, l.timestamp(), "timestamp");
      if (l.invoice() != null) cInv = col(names, l.invoice(), "invoice");
      if (l.product() != null) cProd = col(names, l.product(), "product");
      if (l.quantity() != null) cQty = col(names, l.quantity(), "quantity");
      if (l.unitPrice() != null) cPrice = col(names, l.unitPrice(), "unit price");
      if (l.amount() != null) cAmount = col(names, l.amount(), "amount");
      if (purchases != null) {
        pCust = names.indexOf(l.customer());
        pProd = l.product() == null ? -1 : names.indexOf(l.product());
        if (l.description() != null) pDesc = names.indexOf(l.description());
        if (l.quantity() != null) pQty = names.indexOf(l.quantity());
        if (l.invoice() != null) pInv = names.indexOf(l.invoice());
        if (pCust < 0 || pProd < 0) purchases.disable(); // TopProducts refuses such a header itself
        sameColumns = pCust == cCust && pProd == cProd && pQty == cQty && pInv == cInv;
      }
    }

    private int col(List<String> names, String name, String role) {
      int i = names.indexOf(name);
      if (i < 0) {
        for (int j = 0; j < names.size(); j++) if (names.get(j).equalsIgnoreCase(name)) return j;
        throw new InvalidInputException(role + " column '" + name + "' not found in " + input + "; its columns are: " + String.join(", ", names));
      }
      return i;
    }

    @Override
    public void row(long line, String[] f) {
      boolean keep = purchases != null && purchases.enabled();
      String cust;
      long t;
      double qty = 1, value = 0;
      boolean cancel;
      try {
        if (f.length != width) throw bad(line, ragged(f));
        cust = normaliseId(f[cCust].strip());
        if (cust.isEmpty()) {
          if (keep && pCust != cCust) capture(f); // the same column: TopProducts skips the line too
          withoutCustomer++;
          rejects.reject(line, f, "no customer id: the line cannot be attributed to a customer");
          return;
        }
        t = parseTime(f[cTime].strip(), line);
        if (cQty >= 0) qty = number(f[cQty], line, l.quantity());
        if (cPrice >= 0) value = qty * number(f[cPrice], line, l.unitPrice());
        else if (cAmount >= 0) value = number(f[cAmount], line, l.amount());
        cancel = cInv >= 0 && l.cancelPrefix() != null && f[cInv].strip().startsWith(l.cancelPrefix());
      } catch (InvalidInputException e) {
        if (policy == TableReader.Malformed.FAIL) throw e;
        if (keep) capture(f); // TopProducts reads the lines the RFM pass rejects
        rejected++;
        rejects.reject(line, f, e.getMessage());
        return;
      }
      maxTime = Math.max(maxTime, t);
      boolean isReturn = cancel || qty < 0;
      String occasion = isReturn ? null : cInv >= 0 ? f[cInv].strip() : Long.toString(t / 86_400);
      String product = isReturn || cProd < 0 ? null : f[cProd].strip();
      if (keep) {
        if (sameColumns) {
          // TopProducts' filter on what this pass has read already: a customer, no cancellation, a positive quantity.
          if (!cancel && (cQty < 0 || qty > 0)) purchases.add(cust, product, pDesc < 0 || f[pDesc].isBlank() ? null : f[pDesc].strip());
        } else {
          capture(f);
        }
      }
      account(cust, t, value, isReturn, occasion, product);
    }

    /** TopProducts' own filter, line by line (it reads lines the RFM pass rejects under SKIP). */
    private void capture(String[] f) {
      if (f.length != width) return;
      String cust = normaliseId(f[pCust].strip());
      if (cust.isEmpty()) return;
      if (pInv >= 0 && l.cancelPrefix() != null && f[pInv].strip().startsWith(l.cancelPrefix())) return;
      if (pQty >= 0) {
        try {
          String q = f[pQty].strip();
          if (Double.parseDouble(format.decimalComma() ? q.replace(',', '.') : q) <= 0) return;
        } catch (NumberFormatException e) {
          return;
        }
      }
      purchases.add(cust, f[pProd].strip(), pDesc < 0 || f[pDesc].isBlank() ? null : f[pDesc].strip());
    }

    /**
     * One accepted line: {@code occasion} (the invoice, or the day) and {@code product} (null without a product column) are
     * given for purchases, null for returns.
     */
    abstract void account(String cust, long t, double value, boolean isReturn, String occasion, String product);

    /** Leaves every customer's aggregates in {@code customers}, each inserted at its first accepted line. */
    abstract void finish(ChronicleMap<CharSequence, byte[]> customers);

    /** The aggregate slots' update for one line, the same on both paths. */
    static void update(long[] a, boolean fresh, long t, double value, boolean isReturn) {
      a[LINES]++;
      a[NET] = Double.doubleToLongBits(Double.longBitsToDouble(a[NET]) + value);
      if (isReturn) {
        a[RETURNS]++;
        if (fresh || a[FREQ] == 0) {
          // Only returns so far: recency and tenure fall back on any activity.
          a[FIRST] = Math.min(a[FIRST], t);
          a[LAST] = Math.max(a[LAST], t);
        }
      } else {
        if (a[FREQ] == 0) {
          a[FIRST] = t;
          a[LAST] = t;
        } else {
          a[FIRST] = Math.min(a[FIRST], t);
          a[LAST] = Math.max(a[LAST], t);
        }
        a[GROSS] = Double.doubleToLongBits(Double.longBitsToDouble(a[GROSS]) + value);
      }
    }

    static long[] fresh() {
      return new long[] {Long.MAX_VALUE, Long.MIN_VALUE, Double.doubleToLongBits(0), Double.doubleToLongBits(0), 0, 0, 0, 0};
    }

    private long parseTime(String s, long line) {
      long fastT = fast == null ? Long.MIN_VALUE : fast.epochSecond(s);
      if (fastT != Long.MIN_VALUE) return fastT;
      try {
        TemporalAccessor ta = fmt.parse(s);
        LocalDateTime dt = dateOnly ? LocalDate.from(ta).atStartOfDay()
            : LocalDateTime.of(LocalDate.from(ta), java.time.LocalTime.of(ta.get(ChronoField.HOUR_OF_DAY), ta.get(ChronoField.MINUTE_OF_HOUR),
                ta.isSupported(ChronoField.SECOND_OF_MINUTE) ? ta.get(ChronoField.SECOND_OF_MINUTE) : 0));
        return dt.toEpochSecond(ZoneOffset.UTC);
      } catch (java.time.DateTimeException e) {
        throw bad(line, "column '" + l.timestamp() + "': '" + s + "' does not match the timestamp pattern '" + l.timestampPattern() + "'"
            + " (give the log's layout with --time-pattern, a java.time pattern such as 'MM/dd/yyyy HH:mm' or 'yyyy-MM-dd')");
      }
    }

    /**
     * A row with more or fewer fields than the header; in a comma-separated file, a number written with a decimal comma or a
     * thousands separator (2,55 or 1,234) unquoted is two fields: the first numeric column where that fits is named.
     */
    private String ragged(String[] f) {
      String m = f.length + " fields, but the header has " + width + " (ragged row)";
      if (f.length <= width || format.separator() != ',') return m;
      String hint = "a number written with a decimal comma or a thousands separator is two fields in a comma-separated file: quote it, "
          + "remove the separator, or save the file with semicolons (read as --format semicolon)";
      int[] cols = {cQty, cPrice, cAmount};
      String[] names = {l.quantity(), l.unitPrice(), l.amount()};
      int best = -1;
      for (int i = 0; i < cols.length; i++) {
        int c = cols[i];
        if (c >= 0 && c + 1 < f.length && INTEGER.matcher(f[c].strip()).matches() && DIGITS.matcher(f[c + 1].strip()).matches()
            && (best < 0 || c < cols[best])) best = i;
      }
      if (best < 0) return m + "; " + hint;
      return m + "; probably column '" + names[best] + "': '" + f[cols[best]].strip() + "," + f[cols[best] + 1].strip() + "': " + hint;
    }

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("[+-]?\\d+");
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("\\d+");

    /** The format the reader resolved (AUTO detected): its decimal mark applies to every number field. */
    @Override
    public void format(TextFormat resolved) {
      format = resolved;
    }

    private double number(String s, long line, String column) {
      String t = s.strip();
      if (format.decimalComma()) {
        // The feature reader's rule for decimal commas (a point may be a thousands separator there): one rule for both readers.
        String refused = TableReader.decimalCommaRefusal(t);
        if (refused != null) throw bad(line, "column '" + column + "': " + refused);
        t = t.replace(',', '.');
      }
      double v = FastDecimal.parse(t);
      if (v == v) return v; // the short decimals that are exact as m / 10^e; NaN hands over to parseDouble
      try {
        v = Double.parseDouble(t);
        if (!Double.isFinite(v)) throw bad(line, "column '" + column + "': value " + t + " is not finite");
        return v;
      } catch (NumberFormatException e) {
        String shown = s.strip();
        throw bad(line, "column '" + column + "': '" + shown + "' is not a number" + TableReader.notANumberHint(shown, format));
      }
    }

    private InvalidInputException bad(long line, String why) {
      return new InvalidInputException(input + ", line " + line + ": " + why);
    }
  }

  /** The aggregates on the heap: customers in a hash map, invoices and products interned, the distinct pairs in a primitive set. */
  private static final class HeapAggregator extends Aggregator {
    /** One customer's aggregate slots and its index in first-line order (one map lookup per line finds both). */
    private record Customer(long[] a, int index) {}

    private final java.util.HashMap<String, Customer> byId = new java.util.HashMap<>();
    private final List<String> order = new ArrayList<>();
    private final java.util.HashMap<String, Integer> occasions = new java.util.HashMap<>();
    private final java.util.HashMap<String, Integer> products = new java.util.HashMap<>();
    private final LongHashSet pairs = new LongHashSet(1 << 16);

    HeapAggregator(Path input, TransactionLayout l, DateTimeFormatter fmt, TableReader.Malformed policy, RejectsFile rejects, PurchaseLog purchases) {
      super(input, l, fmt, policy, rejects, purchases);
    }

    @Override
    void account(String cust, long t, double value, boolean isReturn, String occasion, String product) {
      Customer c = byId.get(cust);
      boolean fresh = c == null;
      if (fresh) {
        c = new Customer(fresh(), order.size());
        byId.put(cust, c);
        order.add(cust);
      }
      long[] a = c.a();
      int ci = c.index();
      update(a, fresh, t, value, isReturn);
      if (!isReturn) {
        if (pairs.add(pair(ci, intern(occasions, occasion), 0))) a[FREQ]++;
        if (product != null && pairs.add(pair(ci, intern(products, product), 1))) a[PRODUCTS]++;
      }
    }

    private static long pair(int customer, int item, int kind) {
      return ((long) customer << 32) | ((long) item << 1) | kind;
    }

    private static int intern(java.util.HashMap<String, Integer> ids, String s) {
      Integer id = ids.get(s);
      if (id != null) return id;
      int n = ids.size();
      if (n == Integer.MAX_VALUE >> 1) throw new IllegalStateException("more than 2^30 distinct invoices or products");
      ids.put(s, n);
      return n;
    }

    @Override
    void finish(ChronicleMap<CharSequence, byte[]> customers) {
      ByteBuffer buf = ByteBuffer.allocate(AGG);
      for (String c : order) {
        buf.clear();
        for (long x : byId.get(c).a()) buf.putLong(x);
        customers.put(c, buf.array().clone());
      }
    }
  }

  /** The aggregates off the heap, in Chronicle Maps (per customer, and per customer-invoice and customer-product pair). */
  private static final class OffHeapAggregator extends Aggregator {
    private final ChronicleMap<CharSequence, byte[]> customers;
    private final ChronicleMap<CharSequence, Long> seen;
    private final ByteBuffer buf = ByteBuffer.allocate(AGG);
    private final byte[] value = new byte[AGG];
    private final StringBuilder key = new StringBuilder();

    OffHeapAggregator(Path input, TransactionLayout l, DateTimeFormatter fmt, TableReader.Malformed policy, RejectsFile rejects, PurchaseLog purchases,
                      ChronicleMap<CharSequence, byte[]> customers, ChronicleMap<CharSequence, Long> seen) {
      super(input, l, fmt, policy, rejects, purchases);
      this.customers = customers;
      this.seen = seen;
    }

    @Override
    void account(String cust, long t, double value, boolean isReturn, String occasion, String product) {
      long[] a = load(cust);
      boolean fresh = a == null;
      if (fresh) a = fresh();
      update(a, fresh, t, value, isReturn);
      if (!isReturn) {
        if (firstTime('I', cust, occasion)) a[FREQ]++;
        if (product != null && firstTime('P', cust, product)) a[PRODUCTS]++;
      }
      store(cust, a);
    }

    @Override
    void finish(ChronicleMap<CharSequence, byte[]> customers) {}

    private boolean firstTime(char kind, String cust, String item) {
      key.setLength(0);
      key.append(kind).append(cust).append('\u0001').append(item);
      return seen.putIfAbsent(key, 1L) == null;
    }

    private long[] load(String cust) {
      byte[] v = customers.getUsing(cust, value);
      if (v == null) return null;
      buf.clear();
      buf.put(v).flip();
      long[] a = new long[8];
      for (int i = 0; i < 8; i++) a[i] = buf.getLong(i * 8);
      return a;
    }

    private void store(String cust, long[] a) {
      buf.clear();
      for (long x : a) buf.putLong(x);
      customers.put(cust, buf.array().clone());
    }
  }

  /** "17850.0" and "17850" are one customer: exports often write integer ids as floats. */
  public static String normaliseId(String s) {
    int dot = s.indexOf('.');
    if (dot > 0) {
      boolean zeros = true;
      for (int i = dot + 1; i < s.length(); i++) zeros &= s.charAt(i) == '0';
      boolean digits = true;
      for (int i = 0; i < dot; i++) digits &= Character.isDigit(s.charAt(i));
      if (zeros && digits) return s.substring(0, dot);
    }
    return s;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }
}
