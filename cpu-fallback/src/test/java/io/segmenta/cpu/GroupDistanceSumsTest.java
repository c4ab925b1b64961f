package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused distance-sum kernel (the exact silhouette's cost) against a float64 oracle: rows across
 * chunk and vector-block boundaries, groups whose bounds fall inside blocks, an empty group, a row
 * range that starts mid-chunk, data far from the origin; and the interface's default (pairwise
 * tiles) on the same input.
 */
class GroupDistanceSumsTest {

  @ParameterizedTest(name = "vector={0}, plain loops={1}")
  @CsvSource({"true, false", "true, true", "false, false"})
  void matchesTheFloat64Oracle(boolean vector, boolean plain) {
    if (vector) assumeTrue(CpuBackendProvider.vectorFallbackReason() == null, "Vector API not available");
    int n = 2 * CpuBackend.CHUNK_ROWS + 37, d = 5;
    SplittableRandom r = new SplittableRandom(4);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (500 + r.nextGaussian() * 3);
    long[] bounds = {0, 3, 1000, 1000, 4100, 7001, n};
    int g = bounds.length - 1;
    int from = 4090, count = 3000;
    double[] want = new double[count * g];
    for (int i = 0; i < count; i++) {
      int row = from + i;
      int c = 0;
      for (int j = 0; j < n; j++) {
        while (j >= bounds[c + 1]) c++;
        double s = 0;
        for (int t = 0; t < d; t++) {
          double diff = (double) x[row * d + t] - x[j * d + t];
          s += diff * diff;
        }
        want[i * g + c] += Math.sqrt(s);
      }
    }
    HostMatrix hm = HostMatrix.ofRowMajor(x, n, d);
    double[] got = new double[count * g];
    double[] viaTiles = new double[count * g];
    try (ComputeBackend be = CpuBackendProvider.open(vector, 2); DeviceMatrix dm = be.upload(hm, null)) {
      ((CpuBackend) be).groupDistanceSums(dm, from, count, bounds, got, plain);
      // The contract's default, through the pairwise kernel: the path GPU backends take.
      new ComputeBackend() {
        @Override public io.segmenta.kernels.BackendInfo info() { return be.info(); }
        @Override public DeviceMatrix upload(HostMatrix m, float[] w) { return be.upload(m, w); }
        @Override public io.segmenta.kernels.Assignments newAssignments(long rows) { return be.newAssignments(rows); }
        @Override public void kmeansStep(DeviceMatrix m, double[] c, int k, io.segmenta.kernels.Assignments a,
                                         io.segmenta.kernels.KMeansStepResult res) { be.kmeansStep(m, c, k, a, res); }
        @Override public void pairwiseSquaredDistances(DeviceMatrix m, long f, int cnt, double[] c, int k, float[] out) {
          be.pairwiseSquaredDistances(m, f, cnt, c, k, out);
        }
        @Override public void gmmStep(DeviceMatrix m, io.segmenta.kernels.GmmComponents gc, io.segmenta.kernels.GmmStepResult res) {
          be.gmmStep(m, gc, res);
        }
        @Override public void gmmLogDensities(DeviceMatrix m, long f, int cnt, io.segmenta.kernels.GmmComponents gc, double[] out) {
          be.gmmLogDensities(m, f, cnt, gc, out);
        }
        @Override public void close() {}
      }.groupDistanceSums(dm, hm, from, count, bounds, viaTiles);
    }
    // float32 distances of centred values: about 1e-7 relative per term; the tiles' norm trick less.
    // The vector layout keeps centred float32 values (one rounding of each coordinate), which the
    // plain loops then use in float64.
    double rel = !vector ? 1e-12 : plain ? 1e-7 : 2e-6;
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], rel * Math.max(1, want[i]), (plain ? "plain loops" : "fused kernel") + ", entry " + i);
      assertEquals(want[i], viaTiles[i], 2e-4 * Math.max(1, want[i]), "pairwise tiles, entry " + i);
    }
  }

  /** Small calls take the plain loops (float64 throughout: the oracle's bits to 1e-12), large ones the fused kernel. */
  @org.junit.jupiter.api.Test
  void smallCallsTakeThePlainLoops() {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null, "Vector API not available");
    int n = 700, d = 3;
    SplittableRandom r = new SplittableRandom(9);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3);
    long[] bounds = {0, 250, 700};
    double[] auto = new double[n * 2], plain = new double[n * 2], fused = new double[n * 2];
    HostMatrix hm = HostMatrix.ofRowMajor(x, n, d);
    try (ComputeBackend be = CpuBackendProvider.open(true, 2); DeviceMatrix dm = be.upload(hm, null)) {
      org.junit.jupiter.api.Assertions.assertTrue((long) n * n * d < CpuBackend.PLAIN_GROUP_SUMS_BELOW);
      be.groupDistanceSums(dm, hm, 0, n, bounds, auto);
      ((CpuBackend) be).groupDistanceSums(dm, 0, n, bounds, plain, true);
      ((CpuBackend) be).groupDistanceSums(dm, 0, n, bounds, fused, false);
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(plain, auto, "a small call is the plain loops' bits");
    boolean differs = false;
    for (int i = 0; i < auto.length; i++) {
      assertEquals(plain[i], fused[i], 2e-6 * Math.max(1, plain[i]));
      differs |= plain[i] != fused[i];
    }
    // The two paths round differently; identical bits everywhere would mean the switch did nothing.
    org.junit.jupiter.api.Assertions.assertTrue(differs, "fused and plain gave the same bits everywhere");
  }
}
