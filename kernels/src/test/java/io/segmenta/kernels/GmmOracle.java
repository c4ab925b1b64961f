package io.segmenta.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;

/**
 * A scalar float64 EM pass written straight from the definitions (densities by explicit
 * triangular products, responsibilities by log-sum-exp), and random well-conditioned components.
 */
public final class GmmOracle {
  private GmmOracle() {}

  /** Random components: means near the data, upper-triangular factors with a dominant diagonal. */
  public static GmmComponents components(GmmComponents.Form form, int k, int d, SplittableRandom r, double spread) {
    double[] means = new double[k * d];
    for (int i = 0; i < means.length; i++) means[i] = (i % d) + r.nextGaussian() * spread;
    double[] p = new double[form == GmmComponents.Form.FULL ? k * d * d : k * d];
    double[] ln = new double[k];
    double[] w = new double[k];
    double wsum = 0;
    for (int c = 0; c < k; c++) wsum += w[c] = 0.5 + r.nextDouble();
    for (int c = 0; c < k; c++) {
      double logDet = 0;
      for (int i = 0; i < d; i++) {
        double diag = (0.5 + r.nextDouble()) / spread;
        logDet += Math.log(diag);
        if (form == GmmComponents.Form.FULL) {
          p[(c * d + i) * d + i] = diag;
          for (int j = i + 1; j < d; j++) p[(c * d + i) * d + j] = r.nextGaussian() * 0.2 / spread / Math.sqrt(d);
        } else {
          p[c * d + i] = diag;
        }
      }
      ln[c] = Math.log(w[c] / wsum) + logDet - 0.5 * d * Math.log(2 * Math.PI);
    }
    return new GmmComponents(form, k, d, means, p, ln);
  }

  public static double logDensity(float[] x, int i, GmmComponents g, int c) {
    int d = g.d();
    double ss = 0;
    for (int j = 0; j < d; j++) {
      double y = 0;
      for (int a = 0; a < d; a++) {
        double pij = g.form() == GmmComponents.Form.FULL ? g.precisionCholesky()[(c * d + a) * d + j]
            : (a == j ? g.precisionCholesky()[c * d + j] : 0);
        y += (x[i * d + a] - g.means()[c * d + a]) * pij;
      }
      ss += y * y;
    }
    return g.logNorm()[c] - 0.5 * ss;
  }

  /**
   * Compares {@code got} with the float64 pass: each statistic within {@code rel} of the largest
   * magnitude of its kind (weights, sums, squares), the log-likelihood within {@code rel} relative.
   */
  public static void check(float[] x, float[] w, int n, GmmComponents g, GmmStepResult got, double rel) {
    int k = g.k(), d = g.d();
    boolean full = g.form() == GmmComponents.Form.FULL;
    double[] o = got.origin;
    double[] weights = new double[k], sums = new double[k * d], squares = new double[full ? k * d * d : k * d];
    double ll = 0, tw = 0;
    double[] lp = new double[k];
    for (int i = 0; i < n; i++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) m = Math.max(m, lp[c] = logDensity(x, i, g, c));
      double s = 0;
      for (int c = 0; c < k; c++) s += Math.exp(lp[c] - m);
      double lse = m + Math.log(s);
      double wi = w == null ? 1 : w[i];
      ll += wi * lse;
      tw += wi;
      for (int c = 0; c < k; c++) {
        double rc = wi * Math.exp(lp[c] - lse);
        weights[c] += rc;
        for (int a = 0; a < d; a++) {
          double xa = x[i * d + a] - o[a];
          sums[c * d + a] += rc * xa;
          if (full) {
            for (int b = 0; b < d; b++) squares[(c * d + a) * d + b] += rc * xa * (x[i * d + b] - o[b]);
          } else {
            squares[c * d + a] += rc * xa * xa;
          }
        }
      }
    }
    assertEquals(tw, got.totalWeight, rel * Math.abs(tw), "total weight");
    assertEquals(ll, got.logLikelihood, rel * Math.abs(ll), "log-likelihood");
    near(weights, got.weights, rel, "component weights");
    near(sums, got.sums, rel, "first moments");
    near(squares, got.squares, rel, "second moments");
  }

  public static void near(double[] want, double[] got, double rel, String what) {
    assertEquals(want.length, got.length, what + " length");
    double scale = 0;
    for (double v : want) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], rel * Math.max(scale, 1e-300), what + "[" + i + "]");
    }
  }
}
