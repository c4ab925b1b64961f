package io.segmenta.datasets;

import java.io.IOException;
import java.io.Writer;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * A synthetic transaction log in the UCI Online Retail layout, for customers with planted segments
 * ({@link SyntheticCustomers} draws each customer's segment and behaviour). Per segment: how often
 * its customers buy, how recently, how much, how often they return goods, and which products they
 * prefer (a Zipf law over a segment-specific ordering of the catalogue). Written line by line, so it
 * scales to any number of customers; customer {@code i}'s lines depend only on the seed and {@code i}.
 */
public final class SyntheticTransactions {
  /** The header, as the Online Retail file has it. */
  public static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
  private static final LocalDateTime END = LocalDateTime.of(2024, 12, 31, 18, 0);
  private static final DateTimeFormatter FMT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final SyntheticCustomers customers;
  private final int k;
  private final int products;
  private final long seed;
  private final int[][] preference;   // per segment: product ids in preference order
  private final double[] returnRate;  // per segment
  private final double[] price;       // per product
  private final double[] zipf;        // cumulative Zipf(1.1) over ranks

  public SyntheticTransactions(int segments, int products, long seed) {
    this.customers = new SyntheticCustomers(3, segments, seed);
    this.k = segments;
    this.products = products;
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed * 31 + 7);
    preference = new int[segments][products];
    returnRate = new double[segments];
    for (int s = 0; s < segments; s++) {
      int[] p = preference[s];
      for (int i = 0; i < products; i++) p[i] = i;
      for (int i = products - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      returnRate[s] = r.nextDouble() < 0.25 ? 0.2 + 0.3 * r.nextDouble() : 0.01 + 0.03 * r.nextDouble();
    }
    price = new double[products];
    for (int i = 0; i < products; i++) price[i] = Math.round((Math.exp(0.5 + r.nextGaussian()) + 0.05) * 100) / 100.0;
    zipf = new double[products];
    double acc = 0;
    for (int i = 0; i < products; i++) {
      acc += 1 / Math.pow(i + 1, 1.1);
      zipf[i] = acc;
    }
    for (int i = 0; i < products; i++) zipf[i] /= acc;
  }

  /** Writes customer {@code i}'s lines; returns its planted segment. */
  public int writeCustomer(long i, Writer out) throws IOException {
    float[] f = new float[3];
    int s = customers.row(i, f);
    SplittableRandom r = new SplittableRandom(seed ^ (0xD1B54A32D192ED03L * (i + 1)));
    int invoices = Math.max(1, (int) f[1]);
    double recencyDays = f[0];
    double spanDays = Math.min(3 * 365, 20 + invoices * (10 + 40 * r.nextDouble()));
    LocalDateTime last = END.minusMinutes((long) (recencyDays * 1440));
    String cust = Long.toString(10_000 + i);
    for (int v = 0; v < invoices; v++) {
      LocalDateTime t = invoices == 1 ? last : last.minusMinutes((long) (spanDays * 1440 * (invoices - 1 - v) / (invoices - 1)));
      boolean cancel = r.nextDouble() < returnRate[s];
      String invoice = (cancel ? "C" : "") + (1_000_000L * (i + 1) + v);
      int lines = 1 + poissonSmall(r, 2.5);
      for (int l = 0; l < lines; l++) {
        int p = preference[s][rank(r.nextDouble())];
        int q = 1 + poissonSmall(r, 3);
        out.write(invoice);
        out.write(",P");
        out.write(Integer.toString(p));
        out.write(",PRODUCT ");
        out.write(Integer.toString(p));
        out.write(',');
        out.write(Integer.toString(cancel ? -q : q));
        out.write(',');
        out.write(FMT.format(t));
        out.write(',');
        out.write(Double.toString(price[p]));
        out.write(',');
        out.write(cust);
        out.write(",Synthland\n");
      }
    }
    return s;
  }

  public int segments() {
    return k;
  }

  private int rank(double u) {
    int lo = 0, hi = products - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (zipf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static int poissonSmall(SplittableRandom r, double lambda) {
    double l = Math.exp(-lambda), p = 1;
    int n = 0;
    do {
      n++;
      p *= r.nextDouble();
    } while (p > l);
    return n - 1;
  }
}
