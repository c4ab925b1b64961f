package io.segmenta.datasets;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatasetsTest {

  @ParameterizedTest
  @EnumSource(Uef.class)
  void uefSetsMatchTheirPublishedShapes(Uef set) {
    double[][] x = set.points();
    int expectedRows = switch (set) {
      case S1, S2, S3, S4 -> 5000;
      case A1 -> 3000;
      case A2 -> 5250;
      case A3 -> 7500;
      case UNBALANCE -> 6500;
      case BIRCH1, BIRCH2 -> 100_000;
      case DIM032, DIM064, DIM128, DIM256, DIM512, DIM1024 -> 1024;
      case G2_2_10, G2_2_20, G2_2_30, G2_2_40, G2_2_50, G2_2_60, G2_2_70, G2_2_80, G2_2_90, G2_2_100 -> 2048;
    };
    int dims = set.name().startsWith("DIM") ? Integer.parseInt(set.setName().substring(3)) : 2;
    assertEquals(expectedRows, x.length);
    for (double[] r : x) assertEquals(dims, r.length);
    for (double[] c : set.centroids()) assertEquals(dims, c.length);
    assertEquals(set.k(), set.centroids().length);
    int[] labels = set.labels();
    assertEquals(expectedRows, labels.length);
    boolean[] seen = new boolean[set.k()];
    for (int l : labels) {
      assertTrue(l >= 0 && l < set.k(), "label out of range: " + l);
      seen[l] = true;
    }
    for (boolean b : seen) assertTrue(b, "every ground-truth cluster has points");
  }

  @Test
  void s1FirstPointIsTheFilesFirstLine() {
    assertArrayEquals(new double[] {664159, 550946}, Uef.S1.points()[0]);
    assertArrayEquals(new double[] {604328, 574379}, Uef.S1.centroids()[0]);
  }

  @Test
  void blobsAreReproducibleAndCentredOnTheirCentres() {
    Blobs a = Blobs.generate(200_003, 3, 4, 0.5, 10, 42);
    Blobs b = Blobs.generate(200_003, 3, 4, 0.5, 10, 42);
    assertArrayEquals(a.values(), b.values());
    assertArrayEquals(a.labels(), b.labels());
    assertFalse(java.util.Arrays.equals(a.values(), Blobs.generate(200_003, 3, 4, 0.5, 10, 43).values()));
    // Per-cluster sample mean within 5 standard errors of the centre, sample std near 0.5.
    double[][] sum = new double[4][3];
    double[][] sq = new double[4][3];
    int[] cnt = new int[4];
    for (int i = 0; i < a.n(); i++) {
      int c = a.labels()[i];
      cnt[c]++;
      for (int j = 0; j < 3; j++) {
        double v = a.values()[i * 3 + j] - a.centers()[c][j];
        sum[c][j] += v;
        sq[c][j] += v * v;
      }
    }
    for (int c = 0; c < 4; c++) {
      assertTrue(cnt[c] > 40_000, "cluster sizes near n/k");
      for (int j = 0; j < 3; j++) {
        double mean = sum[c][j] / cnt[c];
        double sd = Math.sqrt(sq[c][j] / cnt[c]);
        assertEquals(0, mean, 5 * 0.5 / Math.sqrt(cnt[c]));
        assertEquals(0.5, sd, 0.01);
      }
    }
  }

  @Test
  void blobsRejectBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> Blobs.generate(0, 2, 2, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Blobs.generate(10, 2, 2, -1, 1, 0));
  }

  @Test
  void syntheticCustomersAreReproducibleWithPlantedBehaviour() {
    SyntheticCustomers g = new SyntheticCustomers(6, 4, 11);
    float[] a = new float[6], b = new float[6];
    assertEquals(g.row(123_456_789L, a), g.row(123_456_789L, b));
    assertArrayEquals(a, b, "row i depends only on the seed and i");
    int n = 200_000;
    long[] count = new long[4];
    double[] recency = new double[4];
    for (int i = 0; i < n; i++) {
      int s = g.row(i, a);
      count[s]++;
      recency[s] += a[0];
      assertTrue(a[0] >= 0 && a[1] >= 1 && a[2] > 0, "recency >= 0, at least one purchase, positive spend");
    }
    for (int s = 0; s < 4; s++) {
      assertTrue(count[s] > n / 12, "every segment is populated: " + java.util.Arrays.toString(count));
    }
    // Segments differ in behaviour: their mean recencies are not all alike.
    double lo = Double.MAX_VALUE, hi = 0;
    for (int s = 0; s < 4; s++) {
      double m = recency[s] / count[s];
      lo = Math.min(lo, m);
      hi = Math.max(hi, m);
    }
    assertTrue(hi > 1.5 * lo, "planted recency differs between segments: " + lo + " .. " + hi);
  }
}
