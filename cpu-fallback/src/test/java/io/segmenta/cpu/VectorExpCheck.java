package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;

/** Kept apart from the test class so that a JVM without the Vector API never loads it. */
final class VectorExpCheck {
  private VectorExpCheck() {}

  static void run() {
    SplittableRandom r = new SplittableRandom(9);
    int lanes = DoubleVector.SPECIES_PREFERRED.length();
    double[] in = new double[lanes], out = new double[lanes];
    double worst = 0;
    for (int t = 0; t < 200_000; t++) {
      for (int l = 0; l < lanes; l++) {
        in[l] = switch (t % 4) {
          case 0 -> -r.nextDouble() * 1e-6;
          case 1 -> -r.nextDouble() * 5;
          case 2 -> -r.nextDouble() * 700;
          default -> -Math.scalb(r.nextDouble(), -r.nextInt(60));
        };
      }
      VectorGmm.exp(DoubleVector.fromArray(DoubleVector.SPECIES_PREFERRED, in, 0)).intoArray(out, 0);
      for (int l = 0; l < lanes; l++) {
        double want = Math.exp(in[l]);
        worst = Math.max(worst, Math.abs(out[l] - want) / Math.ulp(want));
      }
    }
    assertEquals(0, worst, 4, "worst error in ulps");
    double[] edge = new double[lanes];
    edge[0] = 0;
    if (lanes > 1) edge[1] = -800;
    VectorGmm.exp(DoubleVector.fromArray(DoubleVector.SPECIES_PREFERRED, edge, 0)).intoArray(out, 0);
    assertEquals(1.0, out[0], "e^0");
    if (lanes > 1) assertEquals(Math.exp(-708), out[1], Math.ulp(Math.exp(-708)) * 4, "clamped below -708");
  }
}
