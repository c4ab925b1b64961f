package io.segmenta.insights;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProfilesTest {

  @Test
  void knownAnswersForSizesMeansMediansZAndPercentiles() {
    // Segment 0: x = 1, 2, 3; segment 1: x = 10, 20. Population mean 7.2, population sd 6.88186.
    Dataset d = Dataset.of(new float[][] {{1}, {2}, {3}, {10}, {20}});
    List<SegmentProfile> p = Profiles.of(d, new int[] {0, 0, 0, 1, 1}, 2, Map.of(), 1);
    assertEquals(3, p.get(0).size());
    assertEquals(0.6, p.get(0).share(), 1e-12);
    assertEquals(2, p.get(0).mean()[0], 1e-12);
    assertEquals(2, p.get(0).median()[0], 1e-12);
    assertEquals(15, p.get(1).median()[0], 1e-12, "even count: the mean of the middle two");
    double sd = Math.sqrt(((1 - 7.2) * (1 - 7.2) + (2 - 7.2) * (2 - 7.2) + (3 - 7.2) * (3 - 7.2) + (10 - 7.2) * (10 - 7.2) + (20 - 7.2) * (20 - 7.2)) / 5);
    assertEquals((2 - 7.2) / sd, p.get(0).z()[0], 1e-9);
    assertEquals(0.3, p.get(0).percentile()[0], 1e-12, "median 2: one value below, one equal: (1 + 0.5) / 5");
    assertEquals(List.of("low x1"), p.get(0).distinguishing());
    assertEquals("Low x1", p.get(0).name(), "no RFM columns: named after what sets it apart");
    assertEquals("High x1", p.get(1).name());
  }

  private static Dataset rfm(float[][] rows) {
    return Dataset.of(HostMatrix.copyOf(rows), List.of("recency_days", "frequency", "monetary", "tenure_days", "return_rate"), null, null);
  }

  @Test
  void rfmRulesNameThePlantedSegments() {
    SplittableRandom r = new SplittableRandom(3);
    int per = 400;
    float[][] rows = new float[5 * per][];
    int[] labels = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      int s = i / per;
      double u = r.nextDouble();
      rows[i] = switch (s) {
        case 0 -> new float[] {(float) (5 + 10 * u), (float) (20 + 10 * u), (float) (5000 + 1000 * u), (float) (300 + 50 * u), 0.01f}; // champions
        case 1 -> new float[] {(float) (250 + 50 * u), 1, (float) (50 + 20 * u), (float) (300 + 50 * u), 0.02f};                       // hibernating
        case 2 -> new float[] {(float) (10 + 10 * u), 1, (float) (60 + 20 * u), (float) (10 + 10 * u), 0.0f};                          // new
        case 3 -> new float[] {(float) (200 + 50 * u), (float) (8 + 4 * u), (float) (2000 + 500 * u), (float) (350 + 20 * u), 0.03f}; // at risk
        default -> new float[] {(float) (150 + 50 * u), 2, (float) (-50 * u), (float) (200 + 50 * u), 0.6f};                          // returners
      };
      labels[i] = s;
    }
    List<SegmentProfile> p = Profiles.of(rfm(rows), labels, 5, Map.of(), 1);
    assertEquals(List.of("Champions", "Hibernating", "New", "At risk", "Returners"), p.stream().map(SegmentProfile::name).toList());
    List<SegmentProfile> named = Profiles.of(rfm(rows), labels, 5, Map.of(1, "Dormant"), 1);
    assertEquals("Dormant", named.get(1).name(), "the user's name wins");
  }

  @Test
  void repeatedNamesAreNumberedBySize() {
    float[][] rows = new float[30][];
    int[] labels = new int[30];
    for (int i = 0; i < 30; i++) {
      rows[i] = new float[] {i < 20 ? 100 + i : -100 - i};
      labels[i] = i < 20 ? (i < 12 ? 0 : 1) : 2;
    }
    List<SegmentProfile> p = Profiles.of(Dataset.of(rows), labels, 3, Map.of(), 1);
    assertEquals("High x1", p.get(0).name());
    assertEquals("High x1 2", p.get(1).name(), "the smaller of two look-alike segments gets the number");
  }

  @Test
  void largeSegmentsUseAUniformSampleForMedians() {
    int n = Profiles.SAMPLE * 2 + 17;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = i; // median (n - 1) / 2
    List<SegmentProfile> p = Profiles.of(Dataset.ofRowMajor(x, n, 1), new int[n], 1, Map.of(), 5);
    assertEquals((n - 1) / 2.0, p.get(0).mean()[0], 1e-6, "means stay exact");
    assertEquals((n - 1) / 2.0, p.get(0).median()[0], 0.01 * n, "sampled median within 1% of the rank");
  }

  /**
   * Against a float64 two-pass oracle on rows far from the origin, across several blocks, with ties
   * at the medians (values on a 0.5 grid) and a zero column: means, medians, z-scores and mid-rank
   * percentiles, all exact here (fewer rows than the sample).
   */
  @Test
  void matchesAFloat64OracleAcrossBlocksWithTies() {
    int n = 40_000, d = 4, k = 5;
    SplittableRandom r = new SplittableRandom(12);
    float[] x = new float[n * d];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(k);
      x[i * d] = (float) (1e5 + labels[i] + Math.round(r.nextGaussian() * 6) / 2.0);
      x[i * d + 1] = (float) (r.nextGaussian() * 1e-3);
      x[i * d + 2] = 0f;
      x[i * d + 3] = (float) (-50 + Math.round(r.nextGaussian() * 4) / 2.0 - labels[i]);
    }
    List<SegmentProfile> p = Profiles.of(Dataset.ofRowMajor(x, n, d), labels, k, Map.of(), 3);
    for (int j = 0; j < d; j++) {
      double mu = 0;
      for (int i = 0; i < n; i++) mu += x[i * d + j];
      mu /= n;
      double m2 = 0;
      for (int i = 0; i < n; i++) m2 += (x[i * d + j] - mu) * (x[i * d + j] - mu);
      double sd = Math.sqrt(m2 / n);
      for (int c = 0; c < k; c++) {
        List<Float> v = new java.util.ArrayList<>();
        double s = 0;
        for (int i = 0; i < n; i++) {
          if (labels[i] == c) {
            v.add(x[i * d + j]);
            s += x[i * d + j];
          }
        }
        java.util.Collections.sort(v);
        double mean = s / v.size();
        int m = v.size();
        double median = m % 2 == 1 ? v.get(m / 2) : (v.get(m / 2 - 1) + (double) v.get(m / 2)) / 2;
        float fm = (float) median;
        long below = 0, equal = 0;
        for (int i = 0; i < n; i++) {
          if (x[i * d + j] < fm) below++;
          else if (x[i * d + j] == fm) equal++;
        }
        SegmentProfile sp = p.get(c);
        String at = "segment " + c + ", column " + j;
        assertEquals(mean, sp.mean()[j], 1e-9 * Math.max(1, Math.abs(mean)), at + ": mean");
        assertEquals(median, sp.median()[j], 0, at + ": median");
        assertEquals(sd == 0 ? 0 : (mean - mu) / sd, sp.z()[j], 1e-6, at + ": z");
        assertEquals((below + equal / 2.0) / n, sp.percentile()[j], 1e-12, at + ": percentile");
      }
    }
  }
}
