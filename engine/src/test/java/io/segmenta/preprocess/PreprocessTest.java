package io.segmenta.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PreprocessTest {

  /** numpy's linear quantile of sorted values: the scalar reference for the radix selection. */
  static double npQuantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  @Test
  void exactQuantilesEqualSortingOnRandomTiedAndSignedData() {
    SplittableRandom r = new SplittableRandom(4);
    for (int n : new int[] {1, 2, 7, 1000, 70_001}) {
      int d = 4;
      float[] x = new float[n * d];
      for (int i = 0; i < n; i++) {
        x[i * d] = (float) r.nextGaussian();                 // signed
        x[i * d + 1] = r.nextInt(5);                          // heavy ties
        x[i * d + 2] = (float) Math.exp(r.nextGaussian() * 3); // skewed, wide range
        x[i * d + 3] = i % 2 == 0 ? -0.0f : 0.0f;             // signed zeros
      }
      double[] qs = {0, 0.25, 0.5, 0.75, 1};
      double[][] got = ExactQuantiles.of(HostMatrix.ofRowMajor(x, n, d), qs, null);
      for (int j = 0; j < d; j++) {
        double[] col = new double[n];
        for (int i = 0; i < n; i++) col[i] = x[i * d + j];
        Arrays.sort(col);
        for (int q = 0; q < qs.length; q++) {
          assertEquals(npQuantile(col, qs[q]), got[j][q], Math.ulp((float) npQuantile(col, qs[q])) * 2,
              "n=" + n + " column " + j + " q=" + qs[q]);
        }
      }
    }
  }

  @Test
  void momentsMatchATwoPassFloat64Computation() {
    SplittableRandom r = new SplittableRandom(8);
    int n = 50_000;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (1e4 + Math.exp(r.nextGaussian())); // offset far from 0, skewed
    ColumnStats s = ColumnStats.of(HostMatrix.ofRowMajor(x, n, 1), null);
    double mean = 0;
    for (float v : x) mean += v;
    mean /= n;
    double m2 = 0, m3 = 0;
    for (float v : x) {
      m2 += (v - mean) * (v - mean);
      m3 += (v - mean) * (v - mean) * (v - mean);
    }
    assertEquals(mean, s.mean[0], 1e-9 * mean);
    assertEquals(m2 / n, s.variance[0], 1e-9 * m2 / n);
    double skew = (m3 / n) / Math.pow(m2 / n, 1.5); // scipy.stats.skew(bias=True)
    assertEquals(skew, s.skewness[0], 1e-6 * Math.abs(skew));
    assertTrue(skew > 2, "a lognormal is right-skewed");
  }

  @Test
  void autoLog1pPicksSkewedColumnsAndRoundTrips() {
    SplittableRandom r = new SplittableRandom(2);
    int n = 5000;
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = new float[] {(float) Math.exp(r.nextGaussian() * 1.5), (float) r.nextGaussian(), (float) (Math.exp(r.nextGaussian()) - 3)};
    }
    Dataset data = Dataset.of(rows);
    FeatureScaling f = FeatureScaling.fit(ScaleMethod.STANDARD, Log1p.auto(1.0), data);
    assertArrayEquals(new boolean[] {true, false, false}, f.log1p(), "skewed + positive: yes; symmetric: no; values <= -1: never");
    double[] p = {12.5, -0.3, 4.0};
    double[] back = f.inverse(f.forward(p));
    for (int j = 0; j < 3; j++) assertEquals(p[j], back[j], 1e-9);
    // The scaled data of the log column has mean 0 and unit variance.
    ColumnStats st = ColumnStats.of(f.apply(data).matrix(), null);
    assertEquals(0, st.mean[0], 1e-5);
    assertEquals(1, st.variance[0], 1e-4);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> FeatureScaling.fit(ScaleMethod.NONE, Log1p.of(List.of("x3")), data));
    assertTrue(e.getMessage().contains("'x3'") && e.getMessage().contains("above -1"), e.getMessage());
  }

  @Test
  void robustScalingUsesExactMedianAndIqr() {
    float[][] rows = {{1}, {2}, {3}, {4}, {100}};
    FeatureScaling f = FeatureScaling.fit(ScaleMethod.ROBUST, Dataset.of(rows));
    assertEquals(3, f.offset()[0]);
    assertEquals(2, f.scale()[0], "IQR = 4 - 2 (numpy linear quantiles)");
  }
}
