package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The Vector API step's inertia comes from the float64 identity {@code Q - sum_c (2 c.S_c - W_c
 * ||c||^2)} on resident data, not from its float32 distances. The case that tells them apart: tight
 * groups (spread 0.25) far from the data's mean, where each row's float32 error bound sits just under
 * the precision safeguard's threshold. There the float32 distances sum to 2.8e-7 relative of the
 * float64 oracle (measured), the identity to 6e-10 (the float32 rounding of the centred values).
 */
class ExactInertiaTest {

  @ParameterizedTest(name = "weighted={0}")
  @ValueSource(booleans = {false, true})
  void inertiaIsTheFloat64InertiaOfTheLabels(boolean weighted) {
    assumeTrue(CpuBackendProvider.vectorFallbackReason() == null,
        "Vector API not available in this JVM: " + CpuBackendProvider.vectorFallbackReason());
    int n = 50_000;
    int d = 16;
    int k = 32;
    SplittableRandom rnd = new SplittableRandom(5);
    double[] centres = new double[k * d];
    for (int i = 0; i < centres.length; i++) centres[i] = rnd.nextDouble(-4, 4);
    float[] v = new float[n * d];
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(k);
      for (int j = 0; j < d; j++) v[i * d + j] = (float) (centres[c * d + j] + 0.25 * rnd.nextGaussian());
    }
    float[] w = null;
    if (weighted) {
      w = new float[n];
      for (int i = 0; i < n; i++) w[i] = 1 + rnd.nextInt(5);
    }
    HostMatrix x = HostMatrix.ofRowMajor(v, n, d);
    try (ComputeBackend b = CpuBackendProvider.open(true, 2);
         DeviceMatrix dm = b.upload(x, w);
         Assignments a = b.newAssignments(n)) {
      KMeansStepResult r = new KMeansStepResult(k, d);
      for (int step = 0; step < 2; step++) { // the second step uses the running totals
        b.kmeansStep(dm, centres, k, a, r);
        int[] labels = new int[n];
        a.copyLabels(0, labels, 0, n);
        double oracle = 0;
        for (int i = 0; i < n; i++) oracle += (w == null ? 1 : w[i]) * Oracle.dist2(x, i, centres, labels[i]);
        assertEquals(oracle, r.inertia, 1e-8 * oracle, "inertia at step " + step);
        centres = KMeansStepOracleTest.nextCentres(r, centres, k, d);
      }
    }
  }
}
