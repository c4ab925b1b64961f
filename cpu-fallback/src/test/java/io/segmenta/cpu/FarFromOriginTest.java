package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API path's precision safeguard (issue 16) on data far from the origin relative to its
 * spread, where {@code ||x||^2 - 2 x.c + ||c||^2} in float32 cannot tell the centroids apart:
 * every feature about 1e4 with spread 1 (centring alone fixes this one), and two groups at +1e4
 * and -1e4 in every feature with spread 1 (the mean is near 0, so centring does not help: the
 * expansion's rounding, about 2^-24 x 3e9, dwarfs the within-group distances of about 30). Labels
 * must be the float64 oracle's nearest centroid and distances exact, both up to the rounding of the
 * packed (centred float32) rows, which is of the order of the input's own float32 rounding. Without the
 * safeguard (near-tie and loose-bound rows recomputed exactly, the inertia from float64 sums) the
 * bimodal case mis-assigns most rows.
 */
class FarFromOriginTest {

  @ParameterizedTest(name = "bimodal={0}")
  @ValueSource(booleans = {false, true})
  void assignmentDistancesAndInertiaStayExact(boolean bimodal) {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null,
        "Vector API not available in this JVM: " + CpuBackendProvider.vectorFallbackReason());
    int n = 2 * CpuBackend.CHUNK_ROWS + 77;
    int d = 16;
    int k = 8;
    SplittableRandom rnd = new SplittableRandom(16);
    float[] v = new float[n * d];
    for (int i = 0; i < n; i++) {
      double centre = bimodal && i % 2 == 1 ? -1e4 : 1e4;
      for (int j = 0; j < d; j++) v[i * d + j] = (float) (centre + gaussian(rnd));
    }
    HostMatrix x = HostMatrix.ofRowMajor(v, n, d);
    double[] c = new double[k * d];
    for (int ci = 0; ci < k; ci++) {
      for (int j = 0; j < d; j++) c[ci * d + j] = v[ci * 7 * d + (bimodal ? ci % 2 * d : 0) + j];
    }
    try (ComputeBackend b = CpuBackendProvider.open(true, 2);
         DeviceMatrix dm = b.upload(x, null);
         Assignments a = b.newAssignments(n)) {
      KMeansStepResult r = new KMeansStepResult(k, d);
      b.kmeansStep(dm, c, k, a, r);
      int[] labels = new int[n];
      float[] dist = new float[n];
      a.copyLabels(0, labels, 0, n);
      a.copyDistances(0, dist, 0, n);
      double[] mean = x.columnMeans();
      double inertia = 0;
      double inertiaTol = 0;
      int wrong = 0;
      for (int i = 0; i < n; i++) {
        // The packed rows are centred float32 values: each coordinate is rounded by at most
        // 2^-24 |x - mean| (the input's own float32 rounding when the mean is small against x), so
        // a distance is exact up to 2 |x - c| e + e^2, e = 2^-23 ||x - mean|| (safety 2).
        double xn = 0;
        for (int j = 0; j < d; j++) xn += (x.get(i, j) - mean[j]) * (x.get(i, j) - mean[j]);
        double e = 0x1p-23 * Math.sqrt(xn);
        double best = Double.POSITIVE_INFINITY;
        double second = Double.POSITIVE_INFINITY;
        int arg = -1;
        for (int ci = 0; ci < k; ci++) {
          double s = Oracle.dist2(x, i, c, ci);
          if (s < best) {
            second = best;
            best = s;
            arg = ci;
          } else if (s < second) {
            second = s;
          }
        }
        double tol = 2 * Math.sqrt(second) * e + e * e + 1e-6 * best;
        inertia += best;
        inertiaTol += tol;
        if (labels[i] != arg && second - best > 2 * tol) wrong++;
        double got = Oracle.dist2(x, i, c, labels[i]);
        assertTrue(got <= best + 2 * tol, "row " + i + ": label " + labels[i] + " at " + got + ", nearest " + arg + " at " + best);
        assertEquals(got, dist[i], tol, "distance of row " + i);
      }
      assertEquals(0, wrong, "rows given a farther centroid");
      assertEquals(inertia, r.inertia, 1e-9 * inertia + inertiaTol, "inertia");
    }
  }

  /**
   * Two groups at +-1e4: every row's float32 error bound exceeds the safeguard's threshold, so every
   * row takes the float64 fallback. Its answer is pinned to the bit: the nearest centroid (strict,
   * ties to the lowest index) by {@code sum_j (x_j - c_j)^2} summed in order over the packed (centred
   * float32) values, and that sum rounded to float32 as the distance. The fallback computes DL
   * centroids per double vector; this is the plain loop it must equal.
   */
  @org.junit.jupiter.api.Test
  void theFallbackGivesThePlainFloat64LoopsBits() {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null,
        "Vector API not available in this JVM: " + CpuBackendProvider.vectorFallbackReason());
    for (int k : new int[] {2, 5, 8, 13}) { // both groups among the centroids: every row is near one
      int n = CpuBackend.CHUNK_ROWS + 45;
      int d = 7;
      SplittableRandom rnd = new SplittableRandom(17 + k);
      float[] v = new float[n * d];
      for (int i = 0; i < n; i++) {
        double centre = i % 2 == 1 ? -1e4 : 1e4;
        for (int j = 0; j < d; j++) v[i * d + j] = (float) (centre + gaussian(rnd));
      }
      HostMatrix x = HostMatrix.ofRowMajor(v, n, d);
      double[] c = new double[k * d];
      for (int ci = 0; ci < k; ci++) {
        for (int j = 0; j < d; j++) c[ci * d + j] = v[(ci * 10 + ci % 2) * d + j]; // even rows +1e4, odd rows -1e4
      }
      try (ComputeBackend b = CpuBackendProvider.open(true, 2);
           DeviceMatrix dm = b.upload(x, null);
           Assignments a = b.newAssignments(n)) {
        b.kmeansStep(dm, c, k, a, new KMeansStepResult(k, d));
        int[] labels = new int[n];
        float[] dist = new float[n];
        a.copyLabels(0, labels, 0, n);
        a.copyDistances(0, dist, 0, n);
        double[] mean = x.columnMeans();
        for (int i = 0; i < n; i++) {
          int arg = 0;
          double best = Double.POSITIVE_INFINITY;
          for (int ci = 0; ci < k; ci++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
              double t = (float) (x.get(i, j) - mean[j]) - (c[ci * d + j] - mean[j]);
              s += t * t;
            }
            if (s < best) {
              best = s;
              arg = ci;
            }
          }
          assertEquals(arg, labels[i], "label of row " + i + ", k = " + k);
          assertEquals(Float.floatToIntBits((float) best), Float.floatToIntBits(dist[i]), "distance bits of row " + i + ", k = " + k);
        }
      }
    }
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    double w = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * w);
  }
}
