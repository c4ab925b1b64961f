package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmOracle;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.HostMatrix;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both CPU paths' EM pass against the float64 oracle: n across chunk and vector-block boundaries,
 * d of 1, 3, 16 and 17, both factor forms, weights, and data far from the origin.
 */
class GmmPassTest {

  static Stream<Arguments> shapes() {
    int chunk = CpuBackend.CHUNK_ROWS;
    return Stream.of(
        Arguments.of(1, 1, 1, GmmComponents.Form.FULL, false, 0.0),
        Arguments.of(5, 3, 7, GmmComponents.Form.DIAG, true, 0.0),
        Arguments.of(chunk + 17, 16, 7, GmmComponents.Form.FULL, true, 0.0),
        Arguments.of(2 * chunk + 3, 17, 5, GmmComponents.Form.DIAG, false, 0.0),
        Arguments.of(3001, 8, 8, GmmComponents.Form.FULL, false, 0.0),
        Arguments.of(chunk + 5, 4, 3, GmmComponents.Form.FULL, true, 1e4));
  }

  @ParameterizedTest(name = "vector n={0} d={1} k={2} {3} weighted={4} offset={5}")
  @MethodSource("shapes")
  void vectorPathMatchesOracle(int n, int d, int k, GmmComponents.Form form, boolean weighted, double offset) {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null,
        "Vector API not available in this JVM: " + CpuBackendProvider.vectorFallbackReason());
    // The vector path stores centred values in float32: 2^-24 relative to |x - mean| per value.
    check(true, n, d, k, form, weighted, offset, 1e-6);
  }

  @ParameterizedTest(name = "scalar n={0} d={1} k={2} {3} weighted={4} offset={5}")
  @MethodSource("shapes")
  void scalarPathMatchesOracle(int n, int d, int k, GmmComponents.Form form, boolean weighted, double offset) {
    check(false, n, d, k, form, weighted, offset, 1e-10);
  }

  private static void check(boolean vector, int n, int d, int k, GmmComponents.Form form, boolean weighted, double offset, double rel) {
    SplittableRandom r = new SplittableRandom(n * 31L + d * 7L + k);
    float[] x = data(r, n, d, offset);
    float[] w = null;
    if (weighted) {
      w = new float[n];
      for (int i = 0; i < n; i++) w[i] = (float) (r.nextDouble() * 3);
    }
    GmmComponents g = shifted(GmmOracle.components(form, k, d, r, 1.5), offset);
    try (ComputeBackend be = CpuBackendProvider.open(vector, 2);
         DeviceMatrix dm = be.upload(HostMatrix.ofRowMajor(x, n, d), w)) {
      GmmStepResult res = new GmmStepResult(form, k, d);
      be.gmmStep(dm, g, res);
      GmmOracle.check(x, w, n, g, res, rel);
      double[] lp = new double[n * k];
      be.gmmLogDensities(dm, 0, n, g, lp);
      for (int i = 0; i < n; i += Math.max(1, n / 200)) {
        for (int c = 0; c < k; c++) {
          double want = GmmOracle.logDensity(x, i, g, c);
          assertEquals(want, lp[i * k + c], rel * 10 * Math.max(1, Math.abs(want)), "row " + i + " component " + c);
        }
      }
    }
  }

  @Test
  void sameBitsOnOneAndTwoThreads() {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null, "Vector API not available in this JVM");
    SplittableRandom r = new SplittableRandom(3);
    int n = 3 * CpuBackend.CHUNK_ROWS + 11, d = 6, k = 4;
    float[] x = data(r, n, d, 0);
    GmmComponents g = GmmOracle.components(GmmComponents.Form.FULL, k, d, r, 1.5);
    GmmStepResult one = new GmmStepResult(g.form(), k, d), two = new GmmStepResult(g.form(), k, d);
    try (ComputeBackend a = CpuBackendProvider.open(true, 1); ComputeBackend b = CpuBackendProvider.open(true, 2);
         DeviceMatrix da = a.upload(HostMatrix.ofRowMajor(x, n, d), null); DeviceMatrix db = b.upload(HostMatrix.ofRowMajor(x, n, d), null)) {
      a.gmmStep(da, g, one);
      b.gmmStep(db, g, two);
    }
    assertEquals(one.logLikelihood, two.logLikelihood);
    assertArrayEquals(one.weights, two.weights);
    assertArrayEquals(one.sums, two.sums);
    assertArrayEquals(one.squares, two.squares);
  }

  /** The vector path's exponential against Math.exp over its whole domain (x <= 0). */
  @Test
  void vectorExpIsWithinAFewUlpsOfMathExp() {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null, "Vector API not available in this JVM");
    VectorExpCheck.run();
  }

  private static float[] data(SplittableRandom r, int n, int d, double offset) {
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (offset + (i % d) + r.nextGaussian() * 1.5);
    return x;
  }

  private static GmmComponents shifted(GmmComponents g, double offset) {
    double[] mu = g.means().clone();
    for (int i = 0; i < mu.length; i++) mu[i] += offset;
    return new GmmComponents(g.form(), g.k(), g.d(), mu, g.precisionCholesky(), g.logNorm());
  }
}
