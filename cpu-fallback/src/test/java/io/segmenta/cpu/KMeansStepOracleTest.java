package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both CPU paths against the float64 oracle on random shapes: d of 1, 3, 16, 17 and 100, k of 1, 7
 * and 32, n not a multiple of the chunk or the vector block, with and without weights, and over a
 * sequence of steps (the Vector API path keeps running totals between steps).
 */
class KMeansStepOracleTest {

  static Stream<Arguments> shapes() {
    int chunk = CpuBackend.CHUNK_ROWS;
    return Stream.of(
        Arguments.of(1, 1, 5, false, 0.0),
        Arguments.of(3, 1, 7, false, 0.0),
        Arguments.of(5000, 3, 7, true, 0.0),
        Arguments.of(chunk + 17, 16, 32, false, 0.0),
        Arguments.of(chunk + 17, 16, 7, true, 0.0),
        Arguments.of(2 * chunk + 3, 17, 7, false, 0.0),
        Arguments.of(1234, 100, 7, true, 0.0),
        Arguments.of(999, 100, 32, false, 0.0),
        Arguments.of(3001, 2, 32, false, 0.0),
        // Far from the origin: ||x||^2 - 2x.c + ||c||^2 cancels in float32 unless the data is centred.
        Arguments.of(chunk + 5, 16, 7, false, 1e5),
        Arguments.of(3000, 3, 7, true, 3e4));
  }

  @ParameterizedTest(name = "n={0} d={1} k={2} weighted={3} offset={4}")
  @MethodSource("shapes")
  void vectorPathMatchesOracle(int n, int d, int k, boolean weighted, double offset) {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null,
        "Vector API not available in this JVM: " + CpuBackendProvider.vectorFallbackReason());
    check(true, n, d, k, weighted, offset);
  }

  @ParameterizedTest(name = "n={0} d={1} k={2} weighted={3} offset={4}")
  @MethodSource("shapes")
  void scalarPathMatchesOracle(int n, int d, int k, boolean weighted, double offset) {
    check(false, n, d, k, weighted, offset);
  }

  private static void check(boolean vector, int n, int d, int k, boolean weighted, double offset) {
    SplittableRandom rnd = new SplittableRandom(n * 31L + d * 7L + k);
    HostMatrix x = blobs(rnd, n, d, Math.max(k, 2), offset);
    float[] w = weighted ? weights(rnd, n) : null;
    try (ComputeBackend b = CpuBackendProvider.open(vector, 2);
         DeviceMatrix dm = b.upload(x, w);
         Assignments a = b.newAssignments(n)) {
      KMeansStepResult r = new KMeansStepResult(k, d);
      int[] prev = new int[n];
      java.util.Arrays.fill(prev, -1);
      double[] c = pickCentres(rnd, x, k);
      for (int step = 0; step < 4; step++) {
        b.kmeansStep(dm, c, k, a, r);
        int[] labels = new int[n];
        float[] dist = new float[n];
        a.copyLabels(0, labels, 0, n);
        a.copyDistances(0, dist, 0, n);
        long changed = 0;
        double inertiaTol = 0;
        for (int i = 0; i < n; i++) {
          assertTrue(labels[i] >= 0 && labels[i] < k, "label out of range at row " + i);
          double scale = Oracle.minDist2(x, i, c, k) + rowScale(x, i, c, k, offset);
          double got = Oracle.dist2(x, i, c, labels[i]);
          double best = Oracle.minDist2(x, i, c, k);
          // The label must be a nearest centre up to float32 rounding of the distance.
          assertTrue(got <= best + 1e-5 * scale, "row " + i + ": label " + labels[i] + " at " + got + ", best " + best);
          assertEquals(got, dist[i], 1e-5 * scale, "distance of row " + i);
          if (labels[i] != prev[i]) changed++;
          // float32 distance error: a few ulps of the terms that cancel, per row.
          inertiaTol += (w == null ? 1 : w[i]) * 0x1p-20 * scale;
        }
        assertEquals(changed, r.changed, "changed count at step " + step);
        prev = labels;
        // Sums, weights and counts must be those of the labels the step returned.
        Oracle.Totals t = Oracle.totals(x, w, labels, c, k);
        double[] bound = vector ? Oracle.centringBound(x, w, labels, k) : new double[k * d];
        assertArrayEquals(t.counts, r.counts, "counts at step " + step);
        for (int ci = 0; ci < k; ci++) {
          assertEquals(t.weights[ci], r.weights[ci], 1e-9 * (1 + Math.abs(t.weights[ci])), "weight of cluster " + ci);
          for (int j = 0; j < d; j++) {
            double e = t.sums[ci * d + j];
            double tol = 1e-12 * (Math.abs(e) + t.weights[ci] * (Math.abs(offset) + 10)) + bound[ci * d + j];
            assertEquals(e, r.sums[ci * d + j], tol, "sum of cluster " + ci + " column " + j + " at step " + step);
          }
        }
        assertEquals(t.inertia, r.inertia, 1e-6 * t.inertia + inertiaTol, "inertia at step " + step);
        c = nextCentres(r, c, k, d);
      }
    }
  }

  /** Scale of the float32 terms that can cancel for row i: ||x - mean||^2 + max ||c - mean||^2, roughly. */
  private static double rowScale(HostMatrix x, int i, double[] c, int k, double offset) {
    int d = x.cols();
    double s = 0;
    for (int j = 0; j < d; j++) s += (double) x.get(i, j) * x.get(i, j);
    double cs = 0;
    for (int ci = 0; ci < k; ci++) {
      double t = 0;
      for (int j = 0; j < d; j++) t += c[ci * d + j] * c[ci * d + j];
      cs = Math.max(cs, t);
    }
    // The data is centred near `offset`, so the terms left after centring are far smaller.
    return offset == 0 ? s + cs : 1e-4 * (s + cs) + 1;
  }

  @Test
  void resultsDoNotDependOnThreadCount() {
    int n = 3 * CpuBackend.CHUNK_ROWS + 123;
    int d = 17;
    int k = 9;
    SplittableRandom rnd = new SplittableRandom(42);
    HostMatrix x = blobs(rnd, n, d, k, 5.0);
    float[] w = weights(rnd, n);
    double[] c0 = pickCentres(rnd, x, k);
    for (boolean vector : new boolean[] {false, true}) {
      if (vector && CpuBackendProvider.vectorFallbackReason() != null) continue;
      Run one = run(vector, 1, x, w, c0, k);
      for (int threads : new int[] {2, 3, 8}) {
        Run many = run(vector, threads, x, w, c0, k);
        assertArrayEquals(one.labels, many.labels, "labels, " + threads + " threads, vector=" + vector);
        assertArrayEquals(one.dist, many.dist, "distances, " + threads + " threads, vector=" + vector);
        assertArrayEquals(one.sums, many.sums, "sums bits, " + threads + " threads, vector=" + vector);
        assertEquals(Double.doubleToLongBits(one.inertia), Double.doubleToLongBits(many.inertia),
            "inertia bits, " + threads + " threads, vector=" + vector);
      }
    }
  }

  private record Run(int[] labels, float[] dist, double[] sums, double inertia) {}

  private static Run run(boolean vector, int threads, HostMatrix x, float[] w, double[] c0, int k) {
    int n = (int) x.rows();
    int d = x.cols();
    try (ComputeBackend b = CpuBackendProvider.open(vector, threads);
         DeviceMatrix dm = b.upload(x, w);
         Assignments a = b.newAssignments(n)) {
      KMeansStepResult r = new KMeansStepResult(k, d);
      double[] c = c0.clone();
      double[] allSums = new double[0];
      for (int step = 0; step < 5; step++) {
        b.kmeansStep(dm, c, k, a, r);
        double[] s = java.util.Arrays.copyOf(allSums, allSums.length + r.sums.length);
        System.arraycopy(r.sums, 0, s, allSums.length, r.sums.length);
        allSums = s;
        c = nextCentres(r, c, k, d);
      }
      int[] labels = new int[n];
      float[] dist = new float[n];
      a.copyLabels(0, labels, 0, n);
      a.copyDistances(0, dist, 0, n);
      return new Run(labels, dist, allSums, r.inertia);
    }
  }

  @Test
  void pairwiseDistancesMatchOracle() {
    for (boolean vector : new boolean[] {false, true}) {
      if (vector && CpuBackendProvider.vectorFallbackReason() != null) continue;
      for (int d : new int[] {1, 3, 16, 17, 100}) {
        int n = CpuBackend.CHUNK_ROWS + 100;
        int m = 5;
        SplittableRandom rnd = new SplittableRandom(d);
        HostMatrix x = blobs(rnd, n, d, 4, 100.0);
        double[] c = pickCentres(rnd, x, m);
        try (ComputeBackend b = CpuBackendProvider.open(vector, 2); DeviceMatrix dm = b.upload(x, null)) {
          int from = CpuBackend.CHUNK_ROWS - 7; // straddles a chunk boundary and a vector block
          int count = 60;
          float[] out = new float[count * m];
          b.pairwiseSquaredDistances(dm, from, count, c, m, out);
          for (int i = 0; i < count; i++) {
            for (int ci = 0; ci < m; ci++) {
              double e = Oracle.dist2(x, from + i, c, ci);
              assertEquals(e, out[i * m + ci], 1e-5 * (e + rowScale(x, from + i, c, m, 100.0)),
                  "row " + (from + i) + " centre " + ci + " d=" + d + " vector=" + vector);
            }
          }
        }
      }
    }
  }

  @Test
  void assignmentsAreResetWhenReusedOnAnotherMatrix() {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null, "Vector API not available");
    int n = 500;
    int d = 3;
    int k = 4;
    SplittableRandom rnd = new SplittableRandom(3);
    HostMatrix x1 = blobs(rnd, n, d, k, 0);
    HostMatrix x2 = blobs(rnd, n, d, k, 0);
    try (ComputeBackend b = CpuBackendProvider.open(true, 2);
         DeviceMatrix m1 = b.upload(x1, null);
         DeviceMatrix m2 = b.upload(x2, null);
         Assignments a = b.newAssignments(n)) {
      double[] c = pickCentres(rnd, x1, k);
      KMeansStepResult r = new KMeansStepResult(k, d);
      b.kmeansStep(m1, c, k, a, r);
      b.kmeansStep(m2, c, k, a, r);
      int[] labels = new int[n];
      a.copyLabels(0, labels, 0, n);
      Oracle.Totals t = Oracle.totals(x2, null, labels, c, k);
      double[] bound = Oracle.centringBound(x2, null, labels, k);
      for (int i = 0; i < k * d; i++) assertEquals(t.sums[i], r.sums[i], 1e-12 * (1 + Math.abs(t.sums[i])) + bound[i]);
      assertEquals(n, r.changed, "a buffer reused on another matrix starts afresh");
    }
  }

  static HostMatrix blobs(SplittableRandom rnd, int n, int d, int k, double offset) {
    double[] centres = new double[k * d];
    for (int i = 0; i < centres.length; i++) centres[i] = offset + rnd.nextDouble(-10, 10);
    float[] v = new float[n * d];
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(k);
      for (int j = 0; j < d; j++) v[i * d + j] = (float) (centres[c * d + j] + 2.0 * rnd.nextGaussian());
    }
    return HostMatrix.ofRowMajor(v, n, d);
  }

  static float[] weights(SplittableRandom rnd, int n) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = i % 11 == 0 ? 0f : (float) rnd.nextDouble(0.1, 3.0);
    return w;
  }

  static double[] pickCentres(SplittableRandom rnd, HostMatrix x, int k) {
    int d = x.cols();
    double[] c = new double[k * d];
    for (int ci = 0; ci < k; ci++) {
      long row = rnd.nextLong(x.rows());
      for (int j = 0; j < d; j++) c[ci * d + j] = x.get(row, j) + rnd.nextDouble(-0.5, 0.5);
    }
    return c;
  }

  /** Lloyd update (keeping a centre whose cluster is empty), to drive a sequence of steps. */
  static double[] nextCentres(KMeansStepResult r, double[] c, int k, int d) {
    double[] next = c.clone();
    for (int ci = 0; ci < k; ci++) {
      if (r.weights[ci] <= 0) continue;
      for (int j = 0; j < d; j++) next[ci * d + j] = r.sums[ci * d + j] / r.weights[ci];
    }
    return next;
  }
}
