package io.segmenta.cpu;

import io.segmenta.kernels.GmmStepResult;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The EM pass with the Java Vector API, in float64 throughout (the log-likelihood must agree with
 * scikit-learn to 1e-6, which float32 squared norms would not reliably give).
 *
 * <p>Each chunk is widened once into a column-major float64 copy; then every component's
 * whitened squared norm is computed for {@code DL} rows at a time (the triangular product as
 * broadcast FMAs), responsibilities are normalised row by row with {@link Math#exp} (consistent
 * between the interpreter and C2, unlike a lanewise exponential), and the moments are
 * accumulated column pair by column pair with vector accumulators whose lanes are summed in a
 * fixed order, so results never depend on JIT state or thread count.
 */
final class VectorGmm {
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = DS.length();

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private VectorGmm() {}

  /** Per-thread buffers, grown on demand and reused across chunks and passes. */
  private static final class Scratch {
    double[] x = new double[0];
    double[] lp = new double[0];
    double[] tmp = new double[0];
    double[] rx = new double[0];
    final double[] lanes = new double[DL];

    void ensure(int d, int k, int rows) {
      if (x.length < d * rows) x = new double[d * rows];
      if (lp.length < k * rows) lp = new double[k * rows];
      if (tmp.length < d * DL) tmp = new double[d * DL];
      if (rx.length < rows) rx = new double[rows];
    }
  }

  /** Widens a blocked chunk ({@code L} rows per block) to {@code xd[j * R + r]}; returns R. */
  private static int widen(CpuChunk ch, int d, int L, double[] xd) {
    int blocks = (ch.rows() + L - 1) / L;
    int rows = blocks * L;
    float[] data = ch.data();
    for (int b = 0; b < blocks; b++) {
      for (int j = 0; j < d; j++) {
        int src = (b * d + j) * L, dst = j * rows + b * L;
        for (int l = 0; l < L; l++) xd[dst + l] = data[src + l];
      }
    }
    return rows;
  }

  /** {@code lp[c * R + r] = logNorm_c - 0.5 ||(x_r - mu_c) P_c||^2} for all R (padded) rows. */
  private static void logDensities(GmmPrepared g, double[] xd, int rows, double[] lp, double[] tmp) {
    int d = g.d();
    double[] mu = g.mu(), p = g.p();
    for (int c = 0; c < g.k(); c++) {
      DoubleVector ln = DoubleVector.broadcast(DS, g.logNorm()[c]);
      DoubleVector half = DoubleVector.broadcast(DS, -0.5);
      int mo = c * d;
      for (int r = 0; r < rows; r += DL) {
        DoubleVector ss = DoubleVector.zero(DS);
        if (g.full()) {
          for (int i = 0; i < d; i++) DoubleVector.fromArray(DS, xd, i * rows + r).sub(mu[mo + i]).intoArray(tmp, i * DL);
          int po = c * d * d;
          for (int j = 0; j < d; j++) {
            DoubleVector y = DoubleVector.zero(DS);
            for (int i = 0; i <= j; i++) {
              y = DoubleVector.fromArray(DS, tmp, i * DL).fma(DoubleVector.broadcast(DS, p[po + i * d + j]), y);
            }
            ss = y.fma(y, ss);
          }
        } else {
          for (int j = 0; j < d; j++) {
            DoubleVector y = DoubleVector.fromArray(DS, xd, j * rows + r).sub(mu[mo + j]).mul(p[mo + j]);
            ss = y.fma(y, ss);
          }
        }
        ss.fma(half, ln).intoArray(lp, c * rows + r);
      }
    }
  }

  private static double sum(DoubleVector v, double[] lanes) {
    v.intoArray(lanes, 0);
    double s = 0;
    for (int l = 0; l < DL; l++) s += lanes[l];
    return s;
  }

  static void step(CpuChunk ch, int L, GmmPrepared g, GmmStepResult out) {
    int d = g.d(), k = g.k();
    int padded = (ch.rows() + L - 1) / L * L;
    Scratch s = SCRATCH.get();
    s.ensure(d, k, padded);
    double[] xd = s.x, lp = s.lp, rx = s.rx;
    int rows = widen(ch, d, L, xd);
    logDensities(g, xd, rows, lp, s.tmp);
    float[] w = ch.weights();
    double ll = 0, tw = 0;
    for (int r = 0; r < ch.rows(); r++) {
      double m = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) m = Math.max(m, lp[c * rows + r]);
      double sum = 0;
      for (int c = 0; c < k; c++) {
        double e = Math.exp(lp[c * rows + r] - m);
        lp[c * rows + r] = e;
        sum += e;
      }
      double wi = w == null ? 1.0 : w[r];
      ll += wi * (m + Math.log(sum));
      tw += wi;
      double scale = wi / sum;
      for (int c = 0; c < k; c++) lp[c * rows + r] *= scale;
    }
    for (int c = 0; c < k; c++) {
      for (int r = ch.rows(); r < rows; r++) lp[c * rows + r] = 0; // padded rows carry no weight
    }
    out.logLikelihood += ll;
    out.totalWeight += tw;
    for (int c = 0; c < k; c++) {
      int ro = c * rows;
      DoubleVector nk = DoubleVector.zero(DS);
      for (int r = 0; r < rows; r += DL) nk = nk.add(DoubleVector.fromArray(DS, lp, ro + r));
      out.weights[c] += sum(nk, s.lanes);
      for (int a = 0; a < d; a++) {
        DoubleVector s1 = DoubleVector.zero(DS);
        int ao = a * rows;
        for (int r = 0; r < rows; r += DL) {
          DoubleVector v = DoubleVector.fromArray(DS, lp, ro + r).mul(DoubleVector.fromArray(DS, xd, ao + r));
          v.intoArray(rx, r);
          s1 = s1.add(v);
        }
        out.sums[c * d + a] += sum(s1, s.lanes);
        int bEnd = g.full() ? d : a + 1;
        for (int b = a; b < bEnd; b++) {
          DoubleVector s2 = DoubleVector.zero(DS);
          int bo = b * rows;
          for (int r = 0; r < rows; r += DL) {
            s2 = DoubleVector.fromArray(DS, rx, r).fma(DoubleVector.fromArray(DS, xd, bo + r), s2);
          }
          double v = sum(s2, s.lanes);
          if (g.full()) {
            out.squares[(c * d + a) * d + b] += v;
            if (b != a) out.squares[(c * d + b) * d + a] += v;
          } else {
            out.squares[c * d + a] += v;
          }
        }
      }
    }
  }

  static void logDensities(CpuChunk ch, int L, int r0, int count, GmmPrepared g, double[] out, int outOff) {
    int d = g.d(), k = g.k();
    int padded = (ch.rows() + L - 1) / L * L;
    Scratch s = SCRATCH.get();
    s.ensure(d, k, padded);
    int rows = widen(ch, d, L, s.x);
    logDensities(g, s.x, rows, s.lp, s.tmp);
    for (int r = r0; r < r0 + count; r++) {
      for (int c = 0; c < k; c++) out[outOff + (r - r0) * k + c] = s.lp[c * rows + r];
    }
  }
}
