package io.segmenta.insights;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.ingest.TransactionLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopProductsTest {
  @TempDir Path dir;

  @Test
  void sharesAndLiftsKnownAnswer() throws Exception {
    Path log = dir.resolve("t.csv");
    Files.writeString(log, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "1,P1,first,1,2011-01-01 10:00:00,1,A,UK\n"
        + "2,P1,first,3,2011-01-02 10:00:00,1,A,UK\n"   // A buys P1 twice: one customer
        + "2,P2,second,1,2011-01-02 10:00:00,1,A,UK\n"
        + "3,P1,first,1,2011-01-03 10:00:00,1,B,UK\n"
        + "4,P2,second,1,2011-01-04 10:00:00,1,C,UK\n"
        + "C5,P1,first,-1,2011-01-05 10:00:00,1,C,UK\n" // a cancellation is no purchase
        + "6,P3,third,1,2011-01-06 10:00:00,1,,UK\n");  // no customer: not attributable
    Map<String, Integer> seg = Map.of("A", 0, "B", 0, "C", 1);
    List<TopProducts.Item> items = TopProducts.compute(log, TransactionLayout.ONLINE_RETAIL, id -> seg.getOrDefault(id, -1),
        new long[] {2, 1}, 10, dir);
    assertEquals(3, items.size());
    TopProducts.Item a = items.get(0), b = items.get(1), c = items.get(2);
    assertEquals(List.of(0, 1, "P1", 2L), List.of(a.segment(), a.rank(), a.product(), a.customers()));
    assertEquals(1.0, a.share(), 1e-12);
    assertEquals(1.5, a.lift(), 1e-12, "share 1 against 2 of 3 customers overall");
    assertEquals("first", a.description());
    assertEquals(List.of(0, 2, "P2", 1L), List.of(b.segment(), b.rank(), b.product(), b.customers()));
    assertEquals(0.75, b.lift(), 1e-12);
    assertEquals(List.of(1, 1, "P2", 1L), List.of(c.segment(), c.rank(), c.product(), c.customers()));
    assertEquals(1.5, c.lift(), 1e-12);
  }

  /** From the RFM pass's purchase lines against the second read of the log (the old path): same items, same purchases map bytes. */
  @Test
  void purchaseLogGivesTheSecondPassResult() throws Exception {
    Path edge = dir.resolve("edge.csv");
    Files.writeString(edge, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "1,P1,first,1,2011-01-01 10:00:00,1,A,UK\n"
        + "2,P1,,3,2011-01-02 10:00:00,1,A.0,UK\n"
        + "2,P2,  ,0,2011-01-02 10:00:00,1,A,UK\n"         // quantity 0: a purchase for RFM, not for the top products
        + "3,P1,first,1,2011-13-03 10:00:00,1,B,UK\n"      // rejected by RFM (SKIP), still counted by the top products
        + "3,P3,third,x,2011-01-03 10:00:00,1,B,UK\n"      // not a number: neither
        + "4,P2,second,1,2011-01-04 10:00:00,1,C,UK,extra\n" // ragged: neither
        + "C5,P1,first,-1,2011-01-05 10:00:00,1,C,UK\n"
        + "6,P3,third,1,2011-01-06 10:00:00,1,,UK\n"
        + "7,P3, third ,2,2011-01-07 10:00:00,1,C,UK\n");
    Path retail = Path.of("..", "datasets", "online-retail", "online-retail.csv.gz");
    for (Path log : new Path[] {edge, retail}) {
      String name = log.getFileName().toString();
      io.segmenta.ingest.PurchaseLog p = new io.segmenta.ingest.PurchaseLog();
      Path store = dir.resolve(name + "-store");
      io.segmenta.ingest.RfmIngest.run(log, TransactionLayout.ONLINE_RETAIL, null, io.segmenta.data.TableReader.Malformed.SKIP,
          dir.resolve(name + "-rej.csv"), store, false, b -> {}, p);
      assertTrue(p.available());
      java.util.Map<String, Integer> seg = new java.util.HashMap<>();
      long[] sizes = new long[3];
      try (io.segmenta.store.FeatureStore fs = io.segmenta.store.FeatureStore.open(store)) {
        for (long r = 0; r < fs.rows(); r++) {
          int s = (int) (r % 3);
          if (r % 7 == 6) continue; // some customers outside the run
          seg.put(fs.idOf(r), s);
          sizes[s]++;
        }
      }
      Path a = dir.resolve(name + "-a.cm"), b = dir.resolve(name + "-b.cm");
      List<TopProducts.Item> old = TopProducts.compute(log, TransactionLayout.ONLINE_RETAIL, id -> seg.getOrDefault(id, -1), sizes, 200,
          dir.resolve(name + "-wa"), a);
      List<TopProducts.Item> now = TopProducts.compute(p, log, id -> seg.getOrDefault(id, -1), sizes, 200, dir.resolve(name + "-wb"), b);
      assertEquals(old, now, name);
      assertFalse(old.isEmpty());
      // The same pairs, which is what the recommender looks up; the purchase-log path sizes its map by its pairs, the
      // second pass by the log's estimated lines, so the files differ in size and layout.
      assertEquals(pairs(a), pairs(b), name + ": purchases map");
      assertTrue(Files.size(b) <= Files.size(a), name + ": the map sized by its pairs is not larger");
    }
  }

  /** A purchases map's entries, sorted. */
  private static List<String> pairs(Path map) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (net.openhft.chronicle.map.ChronicleMap<CharSequence, Long> m = net.openhft.chronicle.map.ChronicleMap.of(CharSequence.class, Long.class)
        .name("top-products").entries(16).averageKeySize(20).createPersistedTo(map.toFile())) {
      for (var e : m.entrySet()) out.add(e.getKey() + "=" + e.getValue());
    }
    java.util.Collections.sort(out);
    if (out.isEmpty()) throw new AssertionError(map + " holds no pairs");
    return out;
  }
}
