package io.segmenta.cpu;

import io.segmenta.kernels.GmmStepResult;

/**
 * The EM pass on row-major float32 chunks, everything in float64, one row at a time: the
 * reference the Vector API path and the GPU kernels are tested against.
 */
final class ScalarGmm {
  private ScalarGmm() {}

  /** log p(x_r, c) for every component of row {@code r} into {@code lp[0..k)}. */
  static void logDensities(GmmPrepared g, float[] x, int r, double[] lp, double[] diff) {
    int d = g.d();
    int xo = r * d;
    for (int c = 0; c < g.k(); c++) {
      int mo = c * d;
      double ss = 0;
      if (g.full()) {
        for (int i = 0; i < d; i++) diff[i] = x[xo + i] - g.mu()[mo + i];
        int po = c * d * d;
        for (int j = 0; j < d; j++) {
          double y = 0;
          for (int i = 0; i <= j; i++) y += diff[i] * g.p()[po + i * d + j];
          ss += y * y;
        }
      } else {
        for (int j = 0; j < d; j++) {
          double y = (x[xo + j] - g.mu()[mo + j]) * g.p()[mo + j];
          ss += y * y;
        }
      }
      lp[c] = g.logNorm()[c] - 0.5 * ss;
    }
  }

  /** Turns log densities into responsibilities in place; returns log sum_c exp(lp_c). */
  static double normalise(double[] lp, int k) {
    double m = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) m = Math.max(m, lp[c]);
    double s = 0;
    for (int c = 0; c < k; c++) {
      lp[c] = Math.exp(lp[c] - m);
      s += lp[c];
    }
    for (int c = 0; c < k; c++) lp[c] /= s;
    return m + Math.log(s);
  }

  static void step(CpuChunk chunk, GmmPrepared g, GmmStepResult out) {
    int d = g.d(), k = g.k();
    float[] x = chunk.data();
    float[] w = chunk.weights();
    double[] lp = new double[k];
    double[] diff = new double[d];
    for (int r = 0; r < chunk.rows(); r++) {
      logDensities(g, x, r, lp, diff);
      double lse = normalise(lp, k);
      double wi = w == null ? 1.0 : w[r];
      out.logLikelihood += wi * lse;
      out.totalWeight += wi;
      int xo = r * d;
      for (int c = 0; c < k; c++) {
        double rc = wi * lp[c];
        out.weights[c] += rc;
        for (int a = 0; a < d; a++) {
          double ra = rc * x[xo + a];
          out.sums[c * d + a] += ra;
          if (g.full()) {
            for (int b = 0; b < d; b++) out.squares[(c * d + a) * d + b] += ra * x[xo + b];
          } else {
            out.squares[c * d + a] += ra * x[xo + a];
          }
        }
      }
    }
  }

  static void logDensities(CpuChunk chunk, int r0, int count, GmmPrepared g, double[] out, int outOff) {
    double[] lp = new double[g.k()];
    double[] diff = new double[g.d()];
    for (int r = r0; r < r0 + count; r++) {
      logDensities(g, chunk.data(), r, lp, diff);
      System.arraycopy(lp, 0, out, outOff + (r - r0) * g.k(), g.k());
    }
  }
}
