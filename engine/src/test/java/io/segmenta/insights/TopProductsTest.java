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
}
