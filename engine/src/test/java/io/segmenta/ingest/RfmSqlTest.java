package io.segmenta.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.TableReader;
import io.segmenta.data.TextFormat;
import io.segmenta.data.sql.DuckDbSettings;
import io.segmenta.datasets.SyntheticTransactions;
import io.segmenta.store.FeatureStore;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL aggregation against the hand-written one: the same features, bit for bit, customer by customer. */
class RfmSqlTest {
  static final Path RETAIL = Path.of("..", "datasets", "online-retail", "online-retail.csv.gz");
  @TempDir Path tmp;

  static DuckDbSettings settings(Path tmp) {
    return DuckDbSettings.defaults().withThreads(2).withTempRoot(tmp.resolve("duck")).withMemoryLimitBytes(1L << 30);
  }

  /** Runs both paths on {@code log}; asserts that the SQL path ran and that every report field and feature agree. */
  private RfmIngest.Report compare(String name, Path log, TransactionLayout l, LocalDate ref) throws Exception {
    Path javaStore = tmp.resolve(name + "-java"), sqlStore = tmp.resolve(name + "-sql");
    Path javaRej = tmp.resolve(name + "-java.rejects.csv"), sqlRej = tmp.resolve(name + "-sql.rejects.csv");
    RfmIngest.Report j = RfmIngest.run(log, l, ref, TableReader.Malformed.FAIL, javaRej, javaStore, false, b -> {});
    Optional<RfmIngest.Report> maybe = RfmSql.tryRun(log, l, ref, sqlRej, sqlStore, false, b -> {}, settings(tmp));
    assertTrue(maybe.isPresent(), name + ": the SQL path handed the log over");
    RfmIngest.Report s = maybe.get();
    assertEquals(j.lines(), s.lines(), name + ": lines");
    assertEquals(j.customers(), s.customers(), name + ": customers");
    assertEquals(j.withoutCustomer(), s.withoutCustomer(), name + ": lines without a customer");
    assertEquals(j.reference(), s.reference(), name + ": reference");
    assertEquals(j.features(), s.features(), name + ": features");
    if (j.withoutCustomer() > 0) {
      assertEquals(Files.readString(javaRej), Files.readString(sqlRej), name + ": rejects file");
    }
    try (FeatureStore a = FeatureStore.open(javaStore); FeatureStore b = FeatureStore.open(sqlStore)) {
      assertEquals(a.rows(), b.rows());
      assertEquals(a.columns(), b.columns());
      Set<String> seen = new HashSet<>();
      for (long r = 0; r < b.rows(); r++) {
        String id = b.idOf(r);
        assertTrue(seen.add(id), name + ": customer " + id + " twice");
        long ra = a.rowOf(id);
        assertTrue(ra >= 0, name + ": customer " + id + " only in the SQL store");
        for (int c = 0; c < a.cols(); c++) {
          float x = a.matrix().get(ra, c), y = b.matrix().get(r, c);
          if (Float.floatToRawIntBits(x) != Float.floatToRawIntBits(y)) {
            fail(name + ": customer " + id + ", " + a.columns().get(c) + ": hand-written " + x + ", SQL " + y);
          }
        }
      }
    }
    return s;
  }

  @Test
  void onlineRetailGivesTheSameFeaturesCustomerByCustomer() throws Exception {
    RfmIngest.Report r = compare("retail", RETAIL, TransactionLayout.ONLINE_RETAIL, null);
    assertEquals(4_372, r.customers());
    assertEquals(135_080, r.withoutCustomer());
    compare("retail-ref", RETAIL, TransactionLayout.ONLINE_RETAIL, LocalDate.of(2012, 1, 1));
  }

  @Test
  void generatedLogGivesTheSameFeatures() throws Exception {
    Path log = tmp.resolve("syn.csv");
    SyntheticTransactions g = new SyntheticTransactions(5, 300, 3);
    try (Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      w.write(SyntheticTransactions.HEADER + "\n");
      for (long i = 0; i < 3000; i++) g.writeCustomer(i, w);
    }
    RfmIngest.Report r = compare("synthetic", log, TransactionLayout.ONLINE_RETAIL, null);
    assertEquals(3000, r.customers());
  }

  /** Other layouts: amounts without invoices (occasions are days), dates without times, TSV, gzip, ids written as floats. */
  @Test
  void layoutsWithoutInvoicesOrTimesGiveTheSameFeatures() throws Exception {
    Path amounts = tmp.resolve("amounts.tsv.gz");
    try (Writer w = new java.io.OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(amounts)), StandardCharsets.UTF_8)) {
      w.write("cust\tday\tn\ttotal\n");
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
      for (int i = 0; i < 4000; i++) {
        int c = rnd.nextInt(300);
        w.write((c % 7 == 0 ? c + ".0" : Integer.toString(c)) + "\t" + String.format("1997%02d%02d", 1 + rnd.nextInt(12), 1 + rnd.nextInt(28))
            + "\t" + (rnd.nextInt(10) - 1) + "\t" + String.format(java.util.Locale.ROOT, "%.2f", rnd.nextDouble() * 90 - 5) + "\n");
      }
    }
    TransactionLayout cdnowLike = new TransactionLayout("cust", "day", "yyyyMMdd", null, null, null, "n", null, "total", null, TextFormat.AUTO);
    compare("amounts", amounts, cdnowLike, null);
    Path groceries = tmp.resolve("groceries.csv");
    StringBuilder sb = new StringBuilder("Member_number,Date,itemDescription\n");
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
    for (int i = 0; i < 3000; i++) {
      sb.append(1000 + rnd.nextInt(200)).append(',').append(String.format("%02d-%02d-2015", 1 + rnd.nextInt(28), 1 + rnd.nextInt(12))).append(',')
          .append(i % 11 == 0 ? "\"milk, whole\"" : "item" + rnd.nextInt(40)).append('\n');
    }
    Files.writeString(groceries, sb);
    compare("groceries", groceries, TransactionLayout.GROCERIES, LocalDate.of(2016, 1, 1));
  }

  /** A malformed line is the hand-written path's to report: the same error under fail, the same rejects under skip. */
  @Test
  void malformedLogsGoToTheHandWrittenPath() throws Exception {
    Path log = tmp.resolve("bad.csv");
    Files.writeString(log, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "1,A,x,2,2011-01-01 10:00:00,1.5,7,UK\n"
        + "2,B,y,two,2011-01-02 10:00:00,1.5,7,UK\n"
        + "3,B,y,1,2011-1-03 10:00:00,1.5,8,UK\n"
        + "4,B,y,1,2011-01-04 10:00:00,0x10,8,UK\n");
    assertTrue(RfmSql.tryRun(log, TransactionLayout.ONLINE_RETAIL, null, tmp.resolve("r0.csv"), tmp.resolve("s0"), false, b -> {}, settings(tmp))
        .isEmpty());
    assertFalse(Files.exists(tmp.resolve("s0")), "nothing written when handing over");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> RfmSql.run(log, TransactionLayout.ONLINE_RETAIL, null,
        TableReader.Malformed.FAIL, tmp.resolve("r1.csv"), tmp.resolve("s1"), false, b -> {}, settings(tmp)));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'two' is not a number"), e.getMessage());
    RfmIngest.Report r = RfmSql.run(log, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.SKIP, tmp.resolve("r2.csv"),
        tmp.resolve("s2"), false, b -> {}, settings(tmp));
    assertEquals(3, r.rejected());
    assertEquals(1, r.customers());
    Path ragged = tmp.resolve("ragged.csv");
    Files.writeString(ragged, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "1,A,x,2,2011-01-01 10:00:00,1.5,7,UK\n1,A,x,2,2011-01-01 10:00:00,1.5,7,UK,extra\n");
    e = assertThrows(InvalidInputException.class, () -> RfmSql.run(ragged, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.FAIL,
        tmp.resolve("r3.csv"), tmp.resolve("s3"), false, b -> {}, settings(tmp)));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("ragged"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> RfmSql.tryRun(ragged, new TransactionLayout("Customer", "InvoiceDate",
        "yyyy-MM-dd HH:mm:ss", "InvoiceNo", "StockCode", null, "Quantity", "UnitPrice", null, "C", TextFormat.CSV),
        null, tmp.resolve("r4.csv"), tmp.resolve("s4"), false, b -> {}, settings(tmp)));
    assertTrue(e.getMessage().contains("customer column 'Customer' not found"), e.getMessage());
  }

  @Test
  void patternsTheSqlPathCannotTranslateAreNamed() {
    assertNotNull(RfmSql.timestampFormat("yyyy-MM-dd HH:mm:ss"));
    assertArrayEquals(new String[] {"%Y%m%d", "[0-9]{4}[0-9]{2}[0-9]{2}"}, RfmSql.timestampFormat("yyyyMMdd"));
    assertArrayEquals(new String[] {"%d/%m/%YT%H:%M", "[0-9]{2}[/][0-9]{2}[/][0-9]{4}T[0-9]{2}[:][0-9]{2}"},
        RfmSql.timestampFormat("dd/MM/yyyy'T'HH:mm"));
    for (String p : new String[] {"d/M/yyyy", "yyyy-MM-dd hh:mm a", "yyyy-MM-dd HH", "yyyy-MM-dd[ HH:mm]", "yy-MM-dd"}) {
      assertNull(RfmSql.timestampFormat(p), p);
    }
  }
}
