package io.segmenta.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.TableReader;
import io.segmenta.store.FeatureStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap aggregation against the off-heap one (the original implementation, kept as the oracle):
 * same report, same store rows in the same order, bit for bit, same rejects; and the fast number and
 * timestamp readers against Double.parseDouble and DateTimeFormatter.
 */
class RfmHeapPathTest {
  static final Path RETAIL = Path.of("..", "datasets", "online-retail", "online-retail.csv.gz");
  @TempDir Path tmp;

  private void sameOnBothPaths(String name, Path log, TransactionLayout l, LocalDate ref, TableReader.Malformed policy) throws Exception {
    Path hs = tmp.resolve(name + "-heap"), os = tmp.resolve(name + "-off"), hr = tmp.resolve(name + "-heap-rej.csv"), or = tmp.resolve(name + "-off-rej.csv");
    PurchaseLog p = new PurchaseLog();
    RfmIngest.Report h = RfmIngest.run(log, l, ref, policy, hr, hs, false, b -> {}, p, RfmIngest.Mode.HEAP);
    RfmIngest.Report o = RfmIngest.run(log, l, ref, policy, or, os, false, b -> {}, null, RfmIngest.Mode.OFF_HEAP);
    assertEquals(o.lines(), h.lines());
    assertEquals(o.customers(), h.customers());
    assertEquals(o.rejected(), h.rejected());
    assertEquals(o.withoutCustomer(), h.withoutCustomer());
    assertEquals(o.reference(), h.reference());
    assertEquals(o.features(), h.features());
    assertEquals(l.product() != null, p.available(), "purchase lines are kept when there is a product column");
    if (o.rejectsFile() != null) assertArrayEquals(Files.readAllBytes(or), Files.readAllBytes(hr), "rejects");
    try (FeatureStore a = FeatureStore.open(os); FeatureStore b = FeatureStore.open(hs)) {
      assertEquals(a.rows(), b.rows());
      assertEquals(a.columns(), b.columns());
      for (long r = 0; r < a.rows(); r++) {
        assertEquals(a.idOf(r), b.idOf(r), "row " + r + ": the same customer in the same place");
        for (int j = 0; j < a.cols(); j++) {
          assertEquals(Float.floatToRawIntBits(a.matrix().get(r, j)), Float.floatToRawIntBits(b.matrix().get(r, j)),
              "customer " + a.idOf(r) + ", " + a.columns().get(j));
        }
      }
    }
    for (String f : new String[] {"matrix.f32", "ids.dat", "ids.off"}) {
      assertArrayEquals(Files.readAllBytes(os.resolve(f)), Files.readAllBytes(hs.resolve(f)), f);
    }
  }

  @Test
  void onlineRetailCustomerByCustomer() throws Exception {
    sameOnBothPaths("retail", RETAIL, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.FAIL);
  }

  @Test
  void edgeCases() throws Exception {
    Path log = tmp.resolve("edge.csv");
    Files.writeString(log, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "1,A,x,2,2011-01-01 10:00:00,1.5,7.0,UK\n"          // float id: customer 7
        + "1,A,x,3,2011-01-01 10:00:00,1.5,7,UK\n"            // same invoice, same product
        + "C2,A,x,-2,2011-01-05 10:00:00,1.5,7,UK\n"          // a cancellation
        + "C3,B,y,-1,2011-02-01 09:00:00,2.25,9,UK\n"         // customer 9: only returns
        + "C4,B,y,-1,2011-01-15 09:00:00,2.25,9,UK\n"
        + "5,\"B,1\",\"quoted, comma\",+4,2011-02-30 10:00:00,.5,8,UK\n"   // SMART resolves 30 February; +4 and .5
        + "6,B,y,1e1,2011-03-01 24:00:00,5.,8,UK\n"           // an exponent; 24:00 (the formatter's business)
        + "7,C,z,-0,2011-03-02 23:59:59,0.1234567890123456789,8,UK\n" // -0 and a long decimal
        + "8,C,z,1,2011-03-02 07:00:00,1,,UK\n"               // no customer
        + "9,D,w,1,2011-3-2 07:00:00,1,10,UK\n"               // a timestamp off the layout
        + "10,D,w,abc,2011-03-02 07:00:00,1,10,UK\n"          // not a number
        + "11,D,w,1,2011-03-03 07:00:00,1,10,UK,extra\n"      // ragged
        + "12,E, v ,  2 ,  2011-03-04 08:00:00 , 3.5 , 11 ,UK\n"); // padding stripped
    sameOnBothPaths("edge", log, TransactionLayout.ONLINE_RETAIL, null, TableReader.Malformed.SKIP);
    sameOnBothPaths("edge-ref", log, TransactionLayout.ONLINE_RETAIL, LocalDate.of(2012, 1, 1), TableReader.Malformed.SKIP);
    // Under FAIL both stop at the same line with the same message (the formatter's SMART mode takes 30 February and 24:00).
    String[] msg = new String[2];
    int i = 0;
    for (RfmIngest.Mode m : new RfmIngest.Mode[] {RfmIngest.Mode.HEAP, RfmIngest.Mode.OFF_HEAP}) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> RfmIngest.run(log, TransactionLayout.ONLINE_RETAIL, null,
          TableReader.Malformed.FAIL, tmp.resolve("f.csv"), tmp.resolve("f-" + m), false, b -> {}, null, m));
      msg[i++] = e.getMessage();
    }
    assertEquals(msg[1], msg[0]);
    assertTrue(msg[0].contains("line 11") && msg[0].contains("does not match the timestamp pattern"), msg[0]);
  }

  @Test
  void otherLayouts() throws Exception {
    Path cd = tmp.resolve("cdnow.txt");
    Files.writeString(cd, "customer_id date number_of_cds dollar_value\n1 19970101 1 11.77\n1 19970118 2 29.33\n2 19970102 2 89.00\n"
        + "3 19970102 1 -9.5\n2 19970102 1 10\n");
    sameOnBothPaths("cdnow", cd, TransactionLayout.CDNOW, null, TableReader.Malformed.FAIL);
    Path gr = tmp.resolve("groceries.csv");
    Files.writeString(gr, "Member_number,Date,itemDescription\n1808,21-07-2015,tropical fruit\n2552,05-01-2015,whole milk\n"
        + "1808,21-07-2015,whole milk\n1808,22-07-2015,tropical fruit\n");
    sameOnBothPaths("groceries", gr, TransactionLayout.GROCERIES, null, TableReader.Malformed.FAIL);
  }

  @Test
  void fastDecimalIsParseDouble() {
    Random r = new Random(16);
    String[] fixed = {"0", "-0", "+0", "1", "-1", "2.55", ".5", "5.", "-.5", "123456789012345", "1234567890123456", "0.000000000000001",
        "99999.99999", "1.7976931348623157", "00000000000000012", "", ".", "-", "+", "1e3", "1.2.3", "0x10", "NaN", "Infinity", "1d", " 1"};
    for (String s : fixed) check(s);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder();
      if (r.nextInt(4) == 0) b.append(r.nextBoolean() ? '-' : '+');
      int intDigits = r.nextInt(9), fracDigits = r.nextInt(9);
      for (int d = 0; d < intDigits; d++) b.append((char) ('0' + r.nextInt(10)));
      if (r.nextInt(3) > 0) b.append('.');
      for (int d = 0; d < fracDigits; d++) b.append((char) ('0' + r.nextInt(10)));
      check(b.toString());
    }
  }

  private static void check(String s) {
    double fast = FastDecimal.parse(s);
    if (fast != fast) return; // handed over
    assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(fast), s);
  }

  @Test
  void fixedTimestampIsTheFormatter() {
    Random r = new Random(16);
    for (String pattern : new String[] {"yyyy-MM-dd HH:mm:ss", "yyyyMMdd", "dd-MM-yyyy", "uuuu/MM/dd HH:mm", "dd.MM.yyyy'T'HH:mm"}) {
      FixedTimestamp f = FixedTimestamp.compile(pattern);
      if (pattern.contains("'")) {
        assertNull(f, "quoted literals are the formatter's");
        continue;
      }
      assertNotNull(f, pattern);
      DateTimeFormatter fmt = DateTimeFormatter.ofPattern(pattern);
      boolean dateOnly = !pattern.contains("H");
      int accepted = 0;
      for (int i = 0; i < 100_000; i++) {
        LocalDateTime t = LocalDateTime.of(1 + r.nextInt(3000), 1 + r.nextInt(12), 1, r.nextInt(24), r.nextInt(60), r.nextInt(60))
            .plusDays(r.nextInt(31));
        String s = fmt.format(t);
        if (r.nextInt(10) == 0) { // damage it: a digit out of range or a wrong literal
          char[] c = s.toCharArray();
          c[r.nextInt(c.length)] = "0123456789:-/ x".charAt(r.nextInt(15));
          s = new String(c);
        }
        long fast = f.epochSecond(s);
        if (fast == Long.MIN_VALUE) continue;
        accepted++;
        LocalDateTime want;
        try {
          var ta = fmt.parse(s);
          want = dateOnly ? LocalDate.from(ta).atStartOfDay() : LocalDateTime.from(ta);
        } catch (DateTimeParseException e) {
          fail("fast path accepted '" + s + "' that " + pattern + " refuses");
          return;
        }
        assertEquals(want.toEpochSecond(ZoneOffset.UTC), fast, pattern + ": " + s);
      }
      assertTrue(accepted > 80_000, pattern + ": " + accepted);
    }
    assertNull(FixedTimestamp.compile("yyyy-MM-dd hh:mm a"));
    assertNull(FixedTimestamp.compile("yyyy-MM-dd HH"));
    assertNull(FixedTimestamp.compile("yy-MM-dd"));
  }
}
