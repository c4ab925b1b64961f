package io.segmenta.spark;

import io.segmenta.InvalidInputException;

import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.data.TableReader;
import io.segmenta.ingest.RfmIngest;
import io.segmenta.ingest.TransactionLayout;
import io.segmenta.store.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFM on Spark against the engine's RfmIngest ({@code segment rfm}'s Java path; its SQL path is
 * bit-identical) on the Online Retail log, customer by customer, feature by feature.
 */
class SparkRfmTest {
  static final Path LOG = locate("datasets/online-retail/online-retail.csv.gz");

  @TempDir Path tmp;

  static Path locate(String rel) {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve(rel))) p = p.getParent();
    return p == null ? Path.of(rel) : p.resolve(rel);
  }

  @Test
  void onlineRetailEqualsTheEnginesRfmCustomerByCustomer() {
    assertTrue(Files.exists(LOG), LOG + " is missing");
    long t0 = System.nanoTime();
    SparkRfm.Result r = SparkRfm.compute(SparkRfm.readCsv(SharedSpark.get(), LOG.toString()), TransactionLayout.ONLINE_RETAIL);
    List<Row> rows = r.features().collectAsList();
    double sparkSeconds = (System.nanoTime() - t0) / 1e9;

    long t1 = System.nanoTime();
    Path store = tmp.resolve("rfm");
    RfmIngest.Report e = RfmIngest.run(LOG, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.SKIP, tmp.resolve("rejects.csv"),
        store, true, n -> { });
    double engineSeconds = (System.nanoTime() - t1) / 1e9;

    assertEquals(e.features(), r.featureNames());
    assertEquals(e.lines(), r.lines(), "lines");
    assertEquals(e.withoutCustomer(), r.withoutCustomer(), "lines without a customer id");
    assertEquals(e.rejected(), r.rejected(), "malformed lines");
    assertEquals(e.reference(), r.reference(), "reference time");
    assertEquals(e.customers(), rows.size(), "customers");
    Map<String, Row> byId = new HashMap<>();
    for (Row row : rows) byId.put(row.getString(0), row);
    int f = e.features().size();
    long differing = 0;
    double maxRel = 0;
    String worst = "";
    try (FeatureStore s = FeatureStore.open(store)) {
      float[] v = new float[f];
      for (long i = 0; i < s.rows(); i++) {
        String id = s.idOf(i);
        Row row = byId.get(id);
        assertTrue(row != null, "customer " + id + " is missing on Spark");
        s.matrix().copyRow(i, v, 0);
        for (int j = 0; j < f; j++) {
          float sp = row.getFloat(1 + j);
          if (Float.floatToIntBits(sp) != Float.floatToIntBits(v[j])) {
            differing++;
            double rel = Math.abs(sp - v[j]) / Math.max(1e-30, Math.abs(v[j]));
            if (rel > maxRel) {
              maxRel = rel;
              worst = "customer " + id + ", " + e.features().get(j) + ": spark " + sp + ", engine " + v[j];
            }
          }
        }
      }
    }
    System.out.printf("RFM on Spark vs RfmIngest, Online Retail: %d lines, %d customers x %d features, %d without customer, %d malformed;"
        + " %d values differ (max rel %.3g %s); Spark %.1f s, engine %.1f s%n", r.lines(), rows.size(), f, r.withoutCustomer(), r.rejected(),
        differing, maxRel, worst, sparkSeconds, engineSeconds);
    assertEquals(0, differing, "values differing from the engine's: " + worst);
  }

  /** A line with too few or too many fields is rejected (and counted) as segment rfm rejects it, or fails naming the file; never padded or cut. */
  @Test
  void raggedLinesAreRejectedOrFailNamingTheFile() throws Exception {
    Path csv = tmp.resolve("ragged.csv");
    Files.writeString(csv, String.join("\n",
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
        "536365,85123A,MUG,6,2010-12-01 08:26:00,2.55,17850,United Kingdom",
        "536366,71053,LANTERN,6,2010-12-01 08:28:00,3.39,17850",
        "536367,84406B,\"CREAM, CUPID\",8,2010-12-02 09:01:00,2.75,13047,United Kingdom",
        "536368,22633,HAND WARMER,6,2010-12-03 09:02:00,1.85,13047,United Kingdom,extra",
        "536369,22632,HAND WARMER RED,6,2010-12-03 09:05:00,1.85,12583,France") + "\n");
    SparkRfm.Result r = SparkRfm.compute(SparkRfm.readCsv(SharedSpark.get(), csv.toString()), TransactionLayout.ONLINE_RETAIL);
    RfmIngest.Report e = RfmIngest.run(csv, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.SKIP, tmp.resolve("rejects.csv"),
        tmp.resolve("rfm"), true, n -> { });
    assertEquals(2, e.rejected(), "the engine rejects both ragged lines");
    assertEquals(e.lines(), r.lines(), "lines");
    assertEquals(e.rejected(), r.rejected(), "malformed lines");
    assertEquals(e.withoutCustomer(), r.withoutCustomer(), "lines without a customer id");
    assertEquals(e.customers(), r.features().count(), "customers");
    List<Row> rejects = r.rejects().select("InvoiceNo", "reject_reason", SparkRfm.FILE).collectAsList();
    assertEquals(2, rejects.size());
    assertEquals("536366", rejects.get(0).getString(0));
    assertEquals("536368", rejects.get(1).getString(0));
    for (Row x : rejects) {
      assertTrue(x.getString(1).startsWith("ragged row: its number of fields differs from the header's 8 columns: 5363"), x.getString(1));
      assertTrue(x.getString(2).endsWith("ragged.csv"), x.getString(2));
    }
    // Customer 13047 keeps only its well-formed line: frequency 1, not 2.
    Row c = r.features().where("customer_id = '13047'").first();
    assertEquals(1f, c.getFloat(2), "frequency of 13047");

    InvalidInputException fail = assertThrows(InvalidInputException.class,
        () -> SparkRfm.compute(SparkRfm.readCsv(SharedSpark.get(), csv.toString()), TransactionLayout.ONLINE_RETAIL, null, true));
    assertTrue(fail.getMessage().contains("ragged.csv: ") && fail.getMessage().contains("ragged row")
        && fail.getMessage().contains("536366,71053,LANTERN") && fail.getMessage().contains("2 malformed lines"), fail.getMessage());
  }
}
