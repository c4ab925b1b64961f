package io.segmenta.datasets;

import java.util.SplittableRandom;

/**
 * Realistic customers with planted segments, generated row by row (memory does not depend on the
 * number of rows, so it scales to 10^8). Each segment has its own behaviour:
 * <ul>
 *   <li>recency (days since the last purchase): exponential with the segment's mean;
 *   <li>frequency (purchases): 1 + Poisson with the segment's rate;
 *   <li>monetary (total spend): lognormal with the segment's log-mean, scaled by frequency;
 *   <li>further features, up to {@code d}: Gaussian around per-segment centres (engagement scores).
 * </ul>
 * Row {@code i} depends only on the seed and {@code i}, so any slice can be generated alone, and the
 * true segment of every row is known (for ARI checks).
 */
public final class SyntheticCustomers {
  /** Column names of the first three features. */
  public static final String[] RFM = {"recency_days", "frequency", "monetary"};

  private final int d;
  private final int k;
  private final long seed;
  private final double[] recencyMean;
  private final double[] frequencyRate;
  private final double[] spendLogMean;
  private final double[][] centres;
  private final double[] share;

  public SyntheticCustomers(int d, int k, long seed) {
    if (d < 3) throw new IllegalArgumentException("d must be >= 3 (recency, frequency, monetary), got " + d);
    if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
    this.d = d;
    this.k = k;
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed);
    recencyMean = new double[k];
    frequencyRate = new double[k];
    spendLogMean = new double[k];
    centres = new double[k][d];
    share = new double[k];
    double total = 0;
    for (int s = 0; s < k; s++) {
      recencyMean[s] = 5 + r.nextDouble() * 300;        // from "bought last week" to "gone for a year"
      frequencyRate[s] = 0.5 + r.nextDouble() * 30;
      spendLogMean[s] = 2 + r.nextDouble() * 3;          // e(2..5): about 7 to 150 per purchase
      for (int j = 3; j < d; j++) centres[s][j] = r.nextGaussian() * 4;
      share[s] = 0.5 + r.nextDouble();                   // unequal segment sizes
      total += share[s];
    }
    double acc = 0;
    for (int s = 0; s < k; s++) {
      acc += share[s] / total;
      share[s] = acc;
    }
    share[k - 1] = 1.0;
  }

  public int cols() {
    return d;
  }

  /** Column names: recency, frequency, monetary, then engagement_1 .. */
  public String[] columns() {
    String[] c = new String[d];
    for (int j = 0; j < d; j++) c[j] = j < 3 ? RFM[j] : "engagement_" + (j - 2);
    return c;
  }

  /** Writes row {@code i} into {@code out} and returns its planted segment. */
  public int row(long i, float[] out) {
    SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
    double u = r.nextDouble();
    int s = 0;
    while (u > share[s]) s++;
    out[0] = (float) (-recencyMean[s] * Math.log(1 - r.nextDouble()));
    int f = 1 + poisson(r, frequencyRate[s]);
    out[1] = f;
    double perPurchase = Math.exp(spendLogMean[s] + 0.4 * gaussian(r));
    out[2] = (float) (f * perPurchase);
    for (int j = 3; j < d; j++) out[j] = (float) (centres[s][j] + gaussian(r));
    return s;
  }

  /** The id of row {@code i}. */
  public static String id(long i) {
    return "C" + i;
  }

  private static int poisson(SplittableRandom r, double lambda) {
    if (lambda > 30) return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(r)));
    double l = Math.exp(-lambda), p = 1;
    int n = 0;
    do {
      n++;
      p *= r.nextDouble();
    } while (p > l);
    return n - 1;
  }

  private static double gaussian(SplittableRandom r) {
    double u, v, s;
    do {
      u = r.nextDouble() * 2 - 1;
      v = r.nextDouble() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }
}
