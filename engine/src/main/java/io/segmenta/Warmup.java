package io.segmenta;

import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import java.util.SplittableRandom;

/**
 * Drives a backend's kernels on a synthetic problem until the JIT has compiled them (see
 * {@link Segmenta#warmUp()}). The shapes take every branch the real runs take (weighted and not,
 * a partial last block, an odd number of blocks, labels that move and labels that stay), so that
 * the compiled code holds no never-taken branch that a real run would deoptimise on.
 */
final class Warmup {
  /** Turns the warm-up off ({@code -Dsegmenta.warmup=false}), to measure what it saves. */
  static final String PROPERTY = "segmenta.warmup";
  private static final long BUDGET_NANOS = 3_000_000_000L;

  private Warmup() {}

  static void run(ComputeBackend backend, java.util.function.BooleanSupplier stop) {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) return;
    // Small, so that the rounds run in the Vector API's slow Java fallback cost little before C2
    // takes over; big enough that every loop of the kernels turns more than once.
    int d = 5, k = 12;
    int n = 4096 + 16 * 5 + 7; // a partial chunk with an odd number of blocks, the last one partial
    SplittableRandom rnd = new SplittableRandom(1);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 10 + (i / d % k));
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = 0.5f + (float) rnd.nextDouble();
    HostMatrix hm = HostMatrix.ofRowMajor(x, n, d);
    long start = System.nanoTime();
    try (DeviceMatrix plain = backend.upload(hm, null);
         DeviceMatrix weighted = backend.upload(hm, w);
         Assignments a = backend.newAssignments(n);
         Assignments b = backend.newAssignments(n)) {
      KMeansStepResult res = new KMeansStepResult(k, d);
      double[] c = new double[k * d];
      float[] dist = new float[256 * 8];
      long[] bounds = {0, 1000, 1100, n};
      double[] sums = new double[48 * 3];
      long first = -1;
      for (int round = 0; System.nanoTime() - start < BUDGET_NANOS && !stop.getAsBoolean(); round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < c.length; i++) c[i] = x[(i / d * 97 + round) % n * d + i % d] + rnd.nextDouble() * 0.01;
        res.reset(k, d);
        backend.kmeansStep(plain, c, k, a, res);
        res.reset(k, d);
        backend.kmeansStep(plain, c, k, a, res); // labels mostly stay
        res.reset(k, d);
        backend.kmeansStep(weighted, c, k, b, res);
        backend.pairwiseSquaredDistances(plain, round % 8 * 256, 256, c, 1, dist);
        backend.pairwiseSquaredDistances(plain, 0, 256, c, 8, dist);
        backend.groupDistanceSums(plain, hm, round % 16 * 48, 48, bounds, sums); // the exact silhouette's kernel
        long t = System.nanoTime() - t0;
        if (first < 0) first = t;
        // Compiled: a round costs a small fraction of the first, interpreted one.
        if (round >= 8 && t * 12 < first) return;
      }
    }
  }
}
