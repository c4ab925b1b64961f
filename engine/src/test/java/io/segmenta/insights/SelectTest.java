package io.segmenta.insights;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quickselect median against the sorted column's (the old code), bit for bit. */
class SelectTest {
  @Test
  void sameAsSorting() {
    Random r = new Random(16);
    for (int t = 0; t < 3000; t++) {
      int m = 1 + r.nextInt(t < 2000 ? 40 : 5000);
      float[] a = new float[m];
      int kind = t % 5;
      for (int i = 0; i < m; i++) {
        a[i] = switch (kind) {
          case 0 -> (float) r.nextGaussian();
          case 1 -> r.nextInt(4);                                   // many ties
          case 2 -> r.nextBoolean() ? 0.0f : -0.0f;                 // signed zeros
          case 3 -> i;                                              // sorted already
          default -> r.nextInt(3) == 0 ? Float.NaN : r.nextFloat(); // NaN: sorted instead
        };
      }
      float[] sorted = a.clone();
      Arrays.sort(sorted);
      double want = Profiles.median(sorted);
      double got = Select.median(a.clone());
      assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), "case " + t + ", m " + m);
    }
  }
}
