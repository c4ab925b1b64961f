package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The fused distance-sum kernel (the exact silhouette's cost) against a float64 oracle: rows across
 * chunk and vector-block boundaries, groups whose bounds fall inside blocks, an empty group, a row
 * range that starts mid-chunk and all rows (the symmetric path), data far from the origin; and the
 * interface's default (pairwise tiles) on the same input; and the same bits on one and two threads.
 */
class GroupDistanceSumsTest {

  @ParameterizedTest(name = "vector={0} all rows={1}")
  @org.junit.jupiter.params.provider.CsvSource({"true,false", "false,false", "true,true", "false,true"})
  void matchesTheFloat64Oracle(boolean vector, boolean allRows) {
    if (vector) assumeTrue(CpuBackendProvider.vectorFallbackReason() == null, "Vector API not available");
    int n = 2 * CpuBackend.CHUNK_ROWS + 37, d = 5;
    SplittableRandom r = new SplittableRandom(4);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (500 + r.nextGaussian() * 3);
    long[] bounds = {0, 3, 1000, 1000, 4100, 7001, n};
    int g = bounds.length - 1;
    // A row range takes the one-sided path; all rows the symmetric one (each pair of tiles once).
    int from = allRows ? 0 : 4090, count = allRows ? n : 3000;
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
      be.groupDistanceSums(dm, hm, from, count, bounds, got);
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
    double rel = vector ? 2e-6 : 1e-12;
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], rel * Math.max(1, want[i]), "fused, entry " + i);
      assertEquals(want[i], viaTiles[i], 2e-4 * Math.max(1, want[i]), "pairwise tiles, entry " + i);
    }
  }

  @org.junit.jupiter.api.Test
  void symmetricPathGivesTheSameBitsOnOneAndTwoThreads() {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null, "Vector API not available");
    int n = 5000, d = 7;
    SplittableRandom r = new SplittableRandom(6);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    long[] bounds = {0, 1500, 1501, 4000, n};
    HostMatrix hm = HostMatrix.ofRowMajor(x, n, d);
    double[] one = new double[n * 4], two = new double[n * 4];
    try (ComputeBackend a = CpuBackendProvider.open(true, 1); ComputeBackend b = CpuBackendProvider.open(true, 2);
         DeviceMatrix da = a.upload(hm, null); DeviceMatrix db = b.upload(hm, null)) {
      a.groupDistanceSums(da, hm, 0, n, bounds, one);
      b.groupDistanceSums(db, hm, 0, n, bounds, two);
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(one, two);
  }
}
