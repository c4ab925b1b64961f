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
}
