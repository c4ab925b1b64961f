package io.segmenta.cpu;

import io.segmenta.kernels.GmmStepResult;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The EM pass with the Java Vector API, in float64 throughout (the log-likelihood must agree with
 * scikit-learn to 1e-6, which float32 squared norms would not reliably give).
 *
 * <p>Each chunk is widened once into a column-major float64 copy; then every component's
 * whitened squared norm is computed for {@code DL} rows at a time (the triangular product as
 * broadcast FMAs), responsibilities are normalised DL rows at a time with {@link #exp} (plain
 * FMA arithmetic, so the same bits in the interpreter and C2, unlike the Vector API's lanewise
 * exponential), and the moments are
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
    final double[] scale = new double[DL];

    void ensure(int d, int k, int rows) {
      if (x.length < d * rows) x = new double[d * rows];
      if (lp.length < k * rows) lp = new double[k * rows];
      if (tmp.length < 2 * d * DL) tmp = new double[2 * d * DL];
      if (rx.length < rows) rx = new double[rows];
    }
  }

  private static final double LOG2E = 1.4426950408889634;
  private static final double LN2_HI = 6.93147180369123816490e-01;
  private static final double LN2_LO = 1.90821492927058770002e-10;
  /** 1.5 * 2^52: adding it rounds to an integer that then sits in the low bits of the double. */
  private static final double SHIFTER = 0x1.8p52;
  /** 1/i! for i = 12 .. 0: the Taylor series of e^r, |r| <= ln2 / 2 (truncation error below 2e-16). */
  private static final double[] TAYLOR = new double[13];

  static {
    double f = 1;
    for (int i = 1; i <= 12; i++) f *= i;
    for (int i = 12; i >= 0; i--) {
      TAYLOR[12 - i] = 1 / f;
      if (i > 0) f /= i;
    }
  }

  /**
   * e^x for x <= 0, lanewise, to about 2 ulps: x = n ln2 + r, e^r by a degree-12 polynomial, 2^n
   * put straight into the exponent bits. Below -708 it returns e^-708 (about 3e-308), which is
   * 0 next to the row's largest term (1).
   */
  static DoubleVector exp(DoubleVector x) {
    x = x.max(-708.0);
    DoubleVector t = x.fma(LOG2E, SHIFTER);
    DoubleVector n = t.sub(SHIFTER);
    DoubleVector r = n.fma(DoubleVector.broadcast(DS, -LN2_HI), x);
    r = n.fma(DoubleVector.broadcast(DS, -LN2_LO), r);
    DoubleVector p = DoubleVector.broadcast(DS, TAYLOR[0]);
    for (int i = 1; i < TAYLOR.length; i++) p = p.fma(r, DoubleVector.broadcast(DS, TAYLOR[i]));
    DoubleVector pow2 = t.reinterpretAsLongs().add(1023L).lanewise(VectorOperators.LSHL, 52L).reinterpretAsDoubles();
    return p.mul(pow2);
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

  /** {@code lp[c * R + r] = logNorm_c - 0.5 ||(x_r - mu_c) P_c||^2} for all R (padded, a multiple of 2 DL) rows. */
  private static void logDensities(GmmPrepared g, double[] xd, int rows, double[] lp, double[] tmp) {
    int d = g.d();
    double[] mu = g.mu(), p = g.p();
    for (int c = 0; c < g.k(); c++) {
      DoubleVector ln = DoubleVector.broadcast(DS, g.logNorm()[c]);
      DoubleVector half = DoubleVector.broadcast(DS, -0.5);
      int mo = c * d;
      if (g.full()) {
        // Two vectors of rows per pass (rows is a multiple of 2 DL): each broadcast factor feeds two FMAs.
        int po = c * d * d;
        for (int r = 0; r < rows; r += 2 * DL) {
          for (int i = 0; i < d; i++) {
            DoubleVector.fromArray(DS, xd, i * rows + r).sub(mu[mo + i]).intoArray(tmp, 2 * i * DL);
            DoubleVector.fromArray(DS, xd, i * rows + r + DL).sub(mu[mo + i]).intoArray(tmp, (2 * i + 1) * DL);
          }
          DoubleVector ss0 = DoubleVector.zero(DS), ss1 = ss0;
          for (int j = 0; j < d; j++) {
            DoubleVector y0 = DoubleVector.zero(DS), y1 = y0;
            for (int i = 0; i <= j; i++) {
              DoubleVector pij = DoubleVector.broadcast(DS, p[po + i * d + j]);
              y0 = DoubleVector.fromArray(DS, tmp, 2 * i * DL).fma(pij, y0);
              y1 = DoubleVector.fromArray(DS, tmp, (2 * i + 1) * DL).fma(pij, y1);
            }
            ss0 = y0.fma(y0, ss0);
            ss1 = y1.fma(y1, ss1);
          }
          ss0.fma(half, ln).intoArray(lp, c * rows + r);
          ss1.fma(half, ln).intoArray(lp, c * rows + r + DL);
        }
      } else {
        for (int r = 0; r < rows; r += DL) {
          DoubleVector ss = DoubleVector.zero(DS);
          for (int j = 0; j < d; j++) {
            DoubleVector y = DoubleVector.fromArray(DS, xd, j * rows + r).sub(mu[mo + j]).mul(p[mo + j]);
            ss = y.fma(y, ss);
          }
          ss.fma(half, ln).intoArray(lp, c * rows + r);
        }
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
    double[] lanes = s.lanes, scale = s.scale;
    for (int r = 0; r < rows; r += DL) {
      DoubleVector m = DoubleVector.fromArray(DS, lp, r);
      for (int c = 1; c < k; c++) m = m.max(DoubleVector.fromArray(DS, lp, c * rows + r));
      DoubleVector sum = DoubleVector.zero(DS);
      for (int c = 0; c < k; c++) {
        DoubleVector e = exp(DoubleVector.fromArray(DS, lp, c * rows + r).sub(m));
        e.intoArray(lp, c * rows + r);
        sum = sum.add(e);
      }
      m.intoArray(lanes, 0);
      sum.intoArray(scale, 0);
      for (int l = 0; l < DL; l++) {
        int row = r + l;
        if (row >= ch.rows()) {
          scale[l] = 0; // padded rows carry no weight
          continue;
        }
        double wi = w == null ? 1.0 : w[row];
        ll += wi * (lanes[l] + Math.log(scale[l]));
        tw += wi;
        scale[l] = wi / scale[l];
      }
      DoubleVector sc = DoubleVector.fromArray(DS, scale, 0);
      for (int c = 0; c < k; c++) DoubleVector.fromArray(DS, lp, c * rows + r).mul(sc).intoArray(lp, c * rows + r);
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
        int b = a;
        // Four columns per sweep: each load of r * x_a feeds four FMAs.
        for (; b + 4 <= bEnd; b += 4) {
          DoubleVector s0 = DoubleVector.zero(DS), s1v = s0, s2 = s0, s3 = s0;
          int b0 = b * rows, b1 = b0 + rows, b2 = b1 + rows, b3 = b2 + rows;
          for (int r = 0; r < rows; r += DL) {
            DoubleVector v = DoubleVector.fromArray(DS, rx, r);
            s0 = v.fma(DoubleVector.fromArray(DS, xd, b0 + r), s0);
            s1v = v.fma(DoubleVector.fromArray(DS, xd, b1 + r), s1v);
            s2 = v.fma(DoubleVector.fromArray(DS, xd, b2 + r), s2);
            s3 = v.fma(DoubleVector.fromArray(DS, xd, b3 + r), s3);
          }
          addSquare(out, g.full(), c, d, a, b, sum(s0, s.lanes));
          addSquare(out, g.full(), c, d, a, b + 1, sum(s1v, s.lanes));
          addSquare(out, g.full(), c, d, a, b + 2, sum(s2, s.lanes));
          addSquare(out, g.full(), c, d, a, b + 3, sum(s3, s.lanes));
        }
        for (; b < bEnd; b++) {
          DoubleVector s2 = DoubleVector.zero(DS);
          int bo = b * rows;
          for (int r = 0; r < rows; r += DL) {
            s2 = DoubleVector.fromArray(DS, rx, r).fma(DoubleVector.fromArray(DS, xd, bo + r), s2);
          }
          addSquare(out, g.full(), c, d, a, b, sum(s2, s.lanes));
        }
      }
    }
  }

  private static void addSquare(GmmStepResult out, boolean full, int c, int d, int a, int b, double v) {
    if (full) {
      out.squares[(c * d + a) * d + b] += v;
      if (b != a) out.squares[(c * d + b) * d + a] += v;
    } else {
      out.squares[c * d + a] += v;
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
