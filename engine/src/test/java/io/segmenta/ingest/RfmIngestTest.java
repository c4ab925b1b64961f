package io.segmenta.ingest;

import static org.junit.jupiter.api.Assertions.*;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.segmenta.InvalidInputException;
import io.segmenta.data.TableReader;
import io.segmenta.store.FeatureStore;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFM on the shipped UCI Online Retail log, against published figures and an independent float64 recomputation. */
class RfmIngestTest {
  static final Path RETAIL = Path.of("..", "datasets", "online-retail", "online-retail.csv.gz");
  @TempDir static Path tmp;
  static RfmIngest.Report report;
  static Path store;

  @BeforeAll
  static void ingest() {
    store = tmp.resolve("retail");
    report = RfmIngest.run(RETAIL, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.FAIL, tmp.resolve("rej.csv"), store, false, b -> {});
  }

  @Test
  void publishedCountsOfTheUciSet() {
    assertEquals(541_909, report.lines());
    assertEquals(4_372, report.customers(), "UCI: 4,372 customers");
    assertEquals(135_080, report.withoutCustomer(), "lines without a CustomerID, counted, not dropped");
    assertEquals(0, report.rejected());
    assertEquals(LocalDateTime.of(2011, 12, 10, 0, 0), report.reference(), "the day after the last invoice (2011-12-09)");
    assertEquals(List.of("recency_days", "frequency", "monetary", "tenure_days", "avg_basket_value", "distinct_products", "return_rate",
        "mean_interpurchase_days"), report.features());
  }

  @Test
  void customer12346BoughtOnceAndReturnedEverything() {
    try (FeatureStore s = FeatureStore.open(store)) {
      long r = s.rowOf("12346");
      assertTrue(r >= 0);
      double recency = (LocalDateTime.of(2011, 12, 10, 0, 0).toEpochSecond(ZoneOffset.UTC)
          - LocalDateTime.of(2011, 1, 18, 10, 1).toEpochSecond(ZoneOffset.UTC)) / 86400.0;
      assertEquals(recency, s.matrix().get(r, 0), 1e-3);
      assertEquals(1, s.matrix().get(r, 1), "one purchase invoice");
      assertEquals(0, s.matrix().get(r, 2), 1e-3, "74,215 units bought and returned: net 0");
      assertEquals(77183.6, s.matrix().get(r, 4), 0.01, "the one basket");
      assertEquals(1, s.matrix().get(r, 5), "one product");
      assertEquals(0.5, s.matrix().get(r, 6), 1e-6, "one of two lines is a cancellation");
      assertEquals(recency, s.matrix().get(r, 7), 1e-3, "single purchase: the tenure");
    }
  }

  /** Every customer's recency, frequency and monetary value against a plain float64 pass over the file. */
  @Test
  void everyCustomerMatchesAnIndependentRecomputation() throws Exception {
    DateTimeFormatter fmt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    Map<String, double[]> agg = new HashMap<>(); // last purchase, net, first purchase
    Map<String, Set<String>> invoices = new HashMap<>();
    try (CsvReader<CsvRecord> csv = CsvReader.builder().ofCsvRecord(new InputStreamReader(new GZIPInputStream(Files.newInputStream(RETAIL)),
        StandardCharsets.UTF_8))) {
      boolean header = true;
      for (CsvRecord rec : csv) {
        if (header) {
          header = false;
          continue;
        }
        String c = rec.getField(6);
        if (c.isEmpty()) continue;
        c = c.endsWith(".0") ? c.substring(0, c.length() - 2) : c;
        double q = Double.parseDouble(rec.getField(3)), p = Double.parseDouble(rec.getField(5));
        long t = LocalDateTime.parse(rec.getField(4), fmt).toEpochSecond(ZoneOffset.UTC);
        boolean purchase = !rec.getField(0).startsWith("C") && q >= 0;
        double[] a = agg.computeIfAbsent(c, k -> new double[] {Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY});
        a[1] += q * p;
        if (purchase) {
          a[0] = Math.max(a[0], t);
          a[2] = Math.min(a[2], t);
          invoices.computeIfAbsent(c, k -> new HashSet<>()).add(rec.getField(0));
        }
      }
    }
    long ref = LocalDateTime.of(2011, 12, 10, 0, 0).toEpochSecond(ZoneOffset.UTC);
    int checked = 0;
    try (FeatureStore s = FeatureStore.open(store)) {
      assertEquals(agg.size(), s.rows());
      for (var e : agg.entrySet()) {
        long r = s.rowOf(e.getKey());
        assertTrue(r >= 0, "customer " + e.getKey());
        double[] a = e.getValue();
        int freq = invoices.getOrDefault(e.getKey(), Set.of()).size();
        assertEquals(freq, s.matrix().get(r, 1), "frequency of " + e.getKey());
        assertEquals(a[1], s.matrix().get(r, 2), 1e-5 * Math.max(1, Math.abs(a[1])) + 0.01, "monetary of " + e.getKey());
        if (freq > 0) {
          assertEquals((ref - a[0]) / 86400.0, s.matrix().get(r, 0), 1e-3, "recency of " + e.getKey());
          assertEquals((ref - a[2]) / 86400.0, s.matrix().get(r, 3), 1e-3, "tenure of " + e.getKey());
          checked++;
        }
      }
    }
    assertTrue(checked > 4300, "customers with purchases checked: " + checked);
  }

  @Test
  void malformedTransactionsFailNamingTheLineOrAreSkipped() throws Exception {
    Path log = tmp.resolve("t.csv");
    Files.writeString(log, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "1,A,x,2,2011-01-01 10:00:00,1.5,7,UK\n"
        + "2,B,y,two,2011-01-02 10:00:00,1.5,7,UK\n"
        + "3,B,y,1,01/03/2011,1.5,8,UK\n"
        + "4,B,y,1,2011-01-04 10:00:00,2,8,UK\n");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> RfmIngest.run(log, TransactionLayout.ONLINE_RETAIL, null,
        TableReader.Malformed.FAIL, tmp.resolve("r1.csv"), tmp.resolve("s1"), false, b -> {}));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'two' is not a number"), e.getMessage());
    RfmIngest.Report r = RfmIngest.run(log, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.SKIP, tmp.resolve("r2.csv"),
        tmp.resolve("s2"), false, b -> {});
    assertEquals(2, r.rejected());
    assertEquals(2, r.customers());
    List<String> rej = Files.readAllLines(tmp.resolve("r2.csv"));
    assertTrue(rej.get(2).startsWith("4,") && rej.get(2).contains("does not match the timestamp pattern"), rej.get(2));
  }

  /** The aggregation is off-heap: a log of 20,000 synthetic customers (1.6M lines) under a 96 MB heap. */
  @Test
  void syntheticLogUnderASmallHeap() throws Exception {
    Path log = tmp.resolve("syn.csv.gz");
    assertEquals(0, io.segmenta.cli.SegmentCli.run(new String[] {"generate", "--rows", "20000", "--segments", "5", "--transactions",
        log.toString()}, new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter())));
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(io.segmenta.kernels.JvmFlags.all());
    cmd.addAll(List.of("-Xmx96m", "-cp", System.getProperty("java.class.path"), io.segmenta.cli.SegmentCli.class.getName(), "rfm",
        "--input", log.toString(), "--preset", "online-retail", "--store", tmp.resolve("syn").toString(), "--progress", "never"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("-> 20000 customers"), out);
  }
}
