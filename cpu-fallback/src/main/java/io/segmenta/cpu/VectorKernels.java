package io.segmenta.cpu;

import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java Vector API kernels. Loaded only by name from {@link VectorSupport}.
 *
 * <p>Layout: each chunk is cut into blocks of L rows (L = float lanes of the preferred species, 16
 * with AVX-512); a block stores column j of its L rows contiguously, so one vector load gives one
 * coordinate of L points (structure of arrays). Rows are centred on the column means at packing, so
 * that {@code ||x||^2 - 2 x.c + ||c||^2} in float32 does not cancel for data far from the origin.
 *
 * <p>Assignment: for 4 centroids at a time, {@code ||c||^2 - 2 x.c} accumulates by FMA while each
 * loaded coordinate vector is reused 4 times; the argmin is a compare-and-blend over lanes, strict
 * so ties go to the lowest index as in the scalar path. Lane reductions of floats are never used:
 * their order differs between the interpreter and C2, which would break bitwise reproducibility.
 *
 * <p>Precision (issue 16): centring does not help when the data sits far from its mean relative to
 * its spread (groups far apart). A row whose float32 error bound is not small against its distance
 * is re-assigned in float64 over all centroids (see {@code exact}). The inertia is not summed from
 * the float32 distances but from float64 sums in {@link CpuBackend}.
 */
final class VectorKernels implements CpuKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = DS.length();
  /** Centroids per pass over a block's coordinates. */
  private static final int GROUP = 4;

  VectorKernels() {
    if (IS.length() != L) throw new IllegalStateException("int and float species differ in lanes");
    if (DL * 2 != L) throw new IllegalStateException("expected half as many double lanes as float lanes");
  }

  @Override
  public String name() {
    return "cpu-vector";
  }

  @Override
  public boolean centres() {
    return true;
  }

  @Override
  public boolean incremental() {
    return true;
  }

  @Override
  public int blockRows() {
    return L;
  }

  @Override
  public String describe() {
    return "Java Vector API, " + L + " float lanes (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public CpuChunk pack(HostMatrix x, long from, int rows, double[] mean, float[] weights) {
    int d = x.cols();
    int blocks = (rows + L - 1) / L;
    float[] data = new float[blocks * d * L];
    float[] norms = new float[blocks * L];
    float[] raw = new float[rows * d];
    x.copyRows(from, rows, raw, 0); // one bulk copy for the chunk
    for (int r = 0; r < rows; r++) {
      int o = (r / L) * d * L + (r % L);
      double nn = 0;
      for (int j = 0; j < d; j++) {
        float v = (float) (raw[r * d + j] - mean[j]);
        data[o + j * L] = v;
        nn += (double) v * v;
      }
      norms[r] = (float) nn;
    }
    float[] w = null;
    if (weights != null) {
      w = new float[blocks * L]; // padded so the last block loads whole vectors
      System.arraycopy(weights, 0, w, 0, rows);
    }
    return new CpuChunk(data, norms, w, rows);
  }

  /**
   * Centred centroids, pre-multiplied by -2, padded to a multiple of GROUP with +inf norms; the
   * same centred centroids in float64 for the exact fallback, transposed ({@code exactT[j * kExact +
   * c]}, padded to whole double vectors with +inf so padding never wins); {@code cmax} the
   * largest centred squared norm; {@code tau} the factor of the expansion's error bound.
   */
  private record Prepared(float[] m2c, float[] norms, double[] exactT, int kExact, int k, int kPadded, int d, float cmax, float tau) {}

  /**
   * A row is re-assigned exactly (float64, difference form) when the expansion's (pessimistic) error
   * bound exceeds this fraction of its distance, whatever the data's offset. The inertia does not
   * depend on it: {@link CpuBackend} computes it from float64 sums ({@link #squares}).
   */
  private static final float REL = 0x1p-10f;

  @Override
  public Object prepare(double[] centroids, int k, int d, double[] mean) {
    int kp = (k + GROUP - 1) / GROUP * GROUP;
    float[] m2c = new float[kp * d];
    float[] cn = new float[kp];
    int ke = (k + DL - 1) / DL * DL;
    double[] exactT = new double[ke * d];
    java.util.Arrays.fill(exactT, Double.POSITIVE_INFINITY);
    double cmax = 0;
    for (int c = 0; c < kp; c++) {
      if (c >= k) {
        cn[c] = Float.POSITIVE_INFINITY; // never strictly less than the running best
        continue;
      }
      double nn = 0;
      for (int j = 0; j < d; j++) {
        double e = centroids[c * d + j] - mean[j];
        exactT[j * ke + c] = e;
        float v = (float) e;
        m2c[c * d + j] = -2f * v;
        nn += (double) v * v;
      }
      cn[c] = (float) nn;
      cmax = Math.max(cmax, nn);
    }
    // |error| of ||c||^2 - 2 x.c summed by d FMAs in float32 (and of the two float norms) is at
    // most (d + 2) u (||c||^2 + 2 |x| |c|) <= 2 (d + 2) u (||x||^2 + ||c||^2), u = 2^-24; tau
    // doubles that again for safety.
    float tau = (float) (4.0 * (d + 2) * 0x1p-24);
    return new Prepared(m2c, cn, exactT, ke, k, kp, d, (float) (cmax * (1 + 0x1p-20)), tau);
  }

  /**
   * The fused step, incremental in the sums: {@code partial} receives the inertia of every row but
   * only the changes of the sums, weights and counts (rows whose label moved: minus from the old
   * cluster, plus to the new). {@link CpuBackend} adds these deltas, in chunk order, to running
   * totals kept with the assignments. In steady state few rows move, so the update costs little
   * more than the change test, which is one vector compare per block.
   */
  @Override
  public void step(CpuChunk chunk, Object prepared, int[] labels, float[] dist, KMeansStepResult partial) {
    Prepared p = (Prepared) prepared;
    final int d = p.d;
    final float[] data = chunk.data();
    final float[] norms = chunk.norms();
    final float[] w = chunk.weights();
    final int rows = chunk.rows();
    final int blocks = (rows + L - 1) / L;
    final int[] arg = new int[blocks * L];
    // Pass 1: nearest centroid of every row, two blocks at a time (8 independent FMA chains).
    int b2 = 0;
    for (; b2 + 1 < blocks; b2 += 2) assignPair(data, b2 * d * L, p, norms, b2 * L, dist, arg);
    if (b2 < blocks) assignBlock(data, b2 * d * L, p, norms, b2 * L, dist, arg);
    DoubleVector inLo = DoubleVector.zero(DS);
    DoubleVector inHi = DoubleVector.zero(DS);
    long changed = 0;
    for (int b = 0, r0 = 0; r0 < rows; b++, r0 += L) {
      int base = b * d * L;
      IntVector idx = IntVector.fromArray(IS, arg, r0);
      FloatVector dv = FloatVector.fromArray(S, dist, r0);
      VectorMask<Integer> moved = idx.compare(VectorOperators.NE, IntVector.fromArray(IS, labels, r0));
      if (r0 + L > rows) {
        // Padding rows of the last block: no inertia, no change.
        VectorMask<Float> valid = S.indexInRange(0, rows - r0);
        dv = dv.blend(0f, valid.not());
        moved = moved.and(IS.indexInRange(0, rows - r0));
      }
      // Inertia: lane-wise float64 sums; lanes are added in a fixed order at the end of the chunk.
      DoubleVector lo = (DoubleVector) dv.convertShape(VectorOperators.F2D, DS, 0);
      DoubleVector hi = (DoubleVector) dv.convertShape(VectorOperators.F2D, DS, 1);
      if (w != null) {
        FloatVector wv = FloatVector.fromArray(S, w, r0);
        lo = lo.mul((DoubleVector) wv.convertShape(VectorOperators.F2D, DS, 0));
        hi = hi.mul((DoubleVector) wv.convertShape(VectorOperators.F2D, DS, 1));
      }
      inLo = inLo.add(lo);
      inHi = inHi.add(hi);
      if (moved.anyTrue()) {
        for (long bits = moved.toLong(); bits != 0; bits &= bits - 1) {
          int lane = Long.numberOfTrailingZeros(bits);
          int r = r0 + lane;
          move(data, base + lane, d, labels[r], arg[r], w == null ? 1.0 : w[r], partial);
          changed++;
        }
        idx.intoArray(labels, r0);
      }
    }
    double[] lanes = new double[DL];
    double inertia = 0;
    inLo.intoArray(lanes, 0);
    for (double v : lanes) inertia += v;
    inHi.intoArray(lanes, 0);
    for (double v : lanes) inertia += v;
    partial.inertia += inertia;
    partial.changed += changed;
  }

  /** Moves one row (coordinates at stride L from {@code xo}) from cluster {@code from} to {@code to}. */
  private static void move(float[] data, int xo, int d, int from, int to, double wi, KMeansStepResult partial) {
    double[] sums = partial.sums;
    if (from >= 0) {
      int so = from * d;
      for (int j = 0; j < d; j++) sums[so + j] -= wi * data[xo + j * L];
      partial.weights[from] -= wi;
      partial.counts[from]--;
    }
    int so = to * d;
    for (int j = 0; j < d; j++) sums[so + j] += wi * data[xo + j * L];
    partial.weights[to] += wi;
    partial.counts[to]++;
  }

  /**
   * Assigns the L rows of one block: writes squared distances to {@code dist[r0 ..]} and the
   * nearest centroid of each lane to {@code arg}. Results go through arrays, not a returned vector:
   * this method is too large to inline, and a vector crossing a call boundary is boxed.
   */
  private static void assignBlock(float[] data, int base, Prepared p, float[] norms, int r0, float[] dist, int[] arg) {
    final int d = p.d;
    final float[] m2c = p.m2c;
    final float[] cn = p.norms;
    FloatVector best = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
    FloatVector bestIdx = FloatVector.zero(S);
    for (int c = 0; c < p.kPadded; c += GROUP) {
      FloatVector a0 = FloatVector.broadcast(S, cn[c]);
      FloatVector a1 = FloatVector.broadcast(S, cn[c + 1]);
      FloatVector a2 = FloatVector.broadcast(S, cn[c + 2]);
      FloatVector a3 = FloatVector.broadcast(S, cn[c + 3]);
      int o0 = c * d;
      for (int j = 0; j < d; j++) {
        FloatVector xj = FloatVector.fromArray(S, data, base + j * L);
        a0 = xj.fma(FloatVector.broadcast(S, m2c[o0 + j]), a0);
        a1 = xj.fma(FloatVector.broadcast(S, m2c[o0 + d + j]), a1);
        a2 = xj.fma(FloatVector.broadcast(S, m2c[o0 + 2 * d + j]), a2);
        a3 = xj.fma(FloatVector.broadcast(S, m2c[o0 + 3 * d + j]), a3);
      }
      VectorMask<Float> m = a0.lt(best);
      best = best.blend(a0, m);
      bestIdx = bestIdx.blend(c, m);
      m = a1.lt(best);
      best = best.blend(a1, m);
      bestIdx = bestIdx.blend(c + 1, m);
      m = a2.lt(best);
      best = best.blend(a2, m);
      bestIdx = bestIdx.blend(c + 2, m);
      m = a3.lt(best);
      best = best.blend(a3, m);
      bestIdx = bestIdx.blend(c + 3, m);
    }
    {
      // Distances, labels and the precision safeguard (see exactLanes), inline: a vector
      // passed to a method that is not inlined is boxed.
      FloatVector xn = FloatVector.fromArray(S, norms, r0);
      FloatVector dv = best.add(xn).max(0f);
      dv.intoArray(dist, r0);
      ((IntVector) bestIdx.convert(VectorOperators.F2I, 0)).intoArray(arg, r0);
      VectorMask<Float> loose = xn.mul(3f).add(dv.mul(2f)).mul(p.tau).compare(VectorOperators.GT, dv.mul(REL));
      long bits = loose.toLong();
      if (bits != 0) exact(data, base, p, r0, bits, dist, arg);
    }
  }

  /**
   * The precision safeguard. A block's distances and labels come from
   * {@code ||x - c||^2 = ||x||^2 + (||c||^2 - 2 x.c)}, clamped at 0. Its error is at most
   * {@code E = tau (||x||^2 + ||c||^2)} per row, and {@code ||c||^2 <= 2 (dist + ||x||^2)} for the
   * winner. Where E exceeds {@link #REL} of the distance (a point close to its centre but far from
   * the mean, relative to the spread: rare in ordinary data, every row when groups sit far apart)
   * the row is re-assigned in float64 over all centroids, distance included. Elsewhere the chosen
   * centroid is within 2E <= 2 REL of the distance of the nearest one, and the distance within E:
   * relative 2^-9 at worst (the actual float32 error is far smaller than the bound). The test is a
   * function of the data alone, so the results stay deterministic.
   */
  private static void exact(float[] data, int base, Prepared p, int r0, long bits, float[] dist, int[] arg) {
    final int d = p.d;
    final int ke = p.kExact;
    final double[] ct = p.exactT;
    // One double lane per centroid, each summed over j in order with a separate multiply and add:
    // the same bits as the scalar loop sum_j (x_j - c_j)^2, DL centroids at a time. Rows land here
    // when close to their centre relative to their distance from the mean (on blobs, the bound says
    // dist < 0.013 ||x - mean||^2); a steady Lloyd iteration on 1M x 16, k = 32 went from 23.7 to
    // 19 ms on one thread with this loop (RESULTS.md).
    final double[] s = new double[ke];
    for (; bits != 0; bits &= bits - 1) {
      int lane = Long.numberOfTrailingZeros(bits);
      int xo = base + lane;
      java.util.Arrays.fill(s, 0);
      for (int j = 0; j < d; j++) {
        DoubleVector xj = DoubleVector.broadcast(DS, (double) data[xo + j * L]);
        int row = j * ke;
        for (int cb = 0; cb < ke; cb += DL) {
          DoubleVector t = xj.sub(DoubleVector.fromArray(DS, ct, row + cb));
          DoubleVector.fromArray(DS, s, cb).add(t.mul(t)).intoArray(s, cb);
        }
      }
      int bi = 0;
      double bd = Double.POSITIVE_INFINITY;
      for (int ci = 0; ci < p.k; ci++) {
        if (s[ci] < bd) { // strict: ties to the lowest index, as everywhere
          bd = s[ci];
          bi = ci;
        }
      }
      arg[r0 + lane] = bi;
      dist[r0 + lane] = (float) bd;
    }
  }

  /** {@link #assignBlock} for two adjacent blocks: each centroid broadcast serves 2L rows. */
  private static void assignPair(float[] data, int base, Prepared p, float[] norms, int r0, float[] dist, int[] arg) {
    final int d = p.d;
    final int base2 = base + d * L;
    final float[] m2c = p.m2c;
    final float[] cn = p.norms;
    FloatVector best = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
    FloatVector bestIdx = FloatVector.zero(S);
    FloatVector best2 = best;
    FloatVector bestIdx2 = bestIdx;
    for (int c = 0; c < p.kPadded; c += GROUP) {
      FloatVector a0 = FloatVector.broadcast(S, cn[c]);
      FloatVector a1 = FloatVector.broadcast(S, cn[c + 1]);
      FloatVector a2 = FloatVector.broadcast(S, cn[c + 2]);
      FloatVector a3 = FloatVector.broadcast(S, cn[c + 3]);
      FloatVector e0 = a0;
      FloatVector e1 = a1;
      FloatVector e2 = a2;
      FloatVector e3 = a3;
      int o0 = c * d;
      for (int j = 0; j < d; j++) {
        FloatVector xj = FloatVector.fromArray(S, data, base + j * L);
        FloatVector yj = FloatVector.fromArray(S, data, base2 + j * L);
        FloatVector m0 = FloatVector.broadcast(S, m2c[o0 + j]);
        FloatVector m1 = FloatVector.broadcast(S, m2c[o0 + d + j]);
        a0 = xj.fma(m0, a0);
        e0 = yj.fma(m0, e0);
        a1 = xj.fma(m1, a1);
        e1 = yj.fma(m1, e1);
        FloatVector m2 = FloatVector.broadcast(S, m2c[o0 + 2 * d + j]);
        FloatVector m3 = FloatVector.broadcast(S, m2c[o0 + 3 * d + j]);
        a2 = xj.fma(m2, a2);
        e2 = yj.fma(m2, e2);
        a3 = xj.fma(m3, a3);
        e3 = yj.fma(m3, e3);
      }
      VectorMask<Float> m = a0.lt(best);
      best = best.blend(a0, m);
      bestIdx = bestIdx.blend(c, m);
      m = a1.lt(best);
      best = best.blend(a1, m);
      bestIdx = bestIdx.blend(c + 1, m);
      m = a2.lt(best);
      best = best.blend(a2, m);
      bestIdx = bestIdx.blend(c + 2, m);
      m = a3.lt(best);
      best = best.blend(a3, m);
      bestIdx = bestIdx.blend(c + 3, m);
      m = e0.lt(best2);
      best2 = best2.blend(e0, m);
      bestIdx2 = bestIdx2.blend(c, m);
      m = e1.lt(best2);
      best2 = best2.blend(e1, m);
      bestIdx2 = bestIdx2.blend(c + 1, m);
      m = e2.lt(best2);
      best2 = best2.blend(e2, m);
      bestIdx2 = bestIdx2.blend(c + 2, m);
      m = e3.lt(best2);
      best2 = best2.blend(e3, m);
      bestIdx2 = bestIdx2.blend(c + 3, m);
    }
    {
      // Distances, labels and the precision safeguard (see exactLanes), inline: a vector
      // passed to a method that is not inlined is boxed.
      FloatVector xn = FloatVector.fromArray(S, norms, r0);
      FloatVector dv = best.add(xn).max(0f);
      dv.intoArray(dist, r0);
      ((IntVector) bestIdx.convert(VectorOperators.F2I, 0)).intoArray(arg, r0);
      VectorMask<Float> loose = xn.mul(3f).add(dv.mul(2f)).mul(p.tau).compare(VectorOperators.GT, dv.mul(REL));
      long bits = loose.toLong();
      if (bits != 0) exact(data, base, p, r0, bits, dist, arg);
    }
    {
      // Distances, labels and the precision safeguard (see exactLanes), inline: a vector
      // passed to a method that is not inlined is boxed.
      FloatVector xn = FloatVector.fromArray(S, norms, r0 + L);
      FloatVector dv = best2.add(xn).max(0f);
      dv.intoArray(dist, r0 + L);
      ((IntVector) bestIdx2.convert(VectorOperators.F2I, 0)).intoArray(arg, r0 + L);
      VectorMask<Float> loose = xn.mul(3f).add(dv.mul(2f)).mul(p.tau).compare(VectorOperators.GT, dv.mul(REL));
      long bits = loose.toLong();
      if (bits != 0) exact(data, base2, p, r0 + L, bits, dist, arg);
    }
  }

  /**
   * The weighted float64 sum of the rows' centred squared norms, from the packed values: each lane
   * sums its row over j in order, then rows are added in order (the bits of the plain double loop).
   */
  @Override
  public double squares(CpuChunk chunk, int d) {
    final float[] data = chunk.data();
    final float[] w = chunk.weights();
    final int rows = chunk.rows();
    final double[] lanes = new double[L];
    double total = 0;
    for (int b = 0, r0 = 0; r0 < rows; b++, r0 += L) {
      int base = b * d * L;
      DoubleVector lo = DoubleVector.zero(DS);
      DoubleVector hi = DoubleVector.zero(DS);
      for (int j = 0; j < d; j++) {
        FloatVector v = FloatVector.fromArray(S, data, base + j * L);
        DoubleVector vl = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 0);
        DoubleVector vh = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 1);
        lo = lo.add(vl.mul(vl));
        hi = hi.add(vh.mul(vh));
      }
      lo.intoArray(lanes, 0);
      hi.intoArray(lanes, DL);
      int m = Math.min(L, rows - r0);
      for (int i = 0; i < m; i++) total += w == null ? lanes[i] : w[r0 + i] * lanes[i];
    }
    return total;
  }

  @Override
  public void pairwise(CpuChunk chunk, int r0, int count, Object prepared, float[] out, int outOff) {
    Prepared p = (Prepared) prepared;
    final int d = p.d;
    final int k = p.k;
    final float[] data = chunk.data();
    final float[] norms = chunk.norms();
    final float[] tmp = new float[L];
    int end = r0 + count;
    for (int bStart = r0 / L * L; bStart < end; bStart += L) {
      int base = (bStart / L) * d * L;
      FloatVector xn = FloatVector.fromArray(S, norms, bStart);
      int lo = Math.max(r0, bStart);
      int hi = Math.min(end, bStart + L);
      for (int c = 0; c < k; c++) {
        FloatVector a = FloatVector.broadcast(S, p.norms[c]);
        int o = c * d;
        for (int j = 0; j < d; j++) {
          a = FloatVector.fromArray(S, data, base + j * L).fma(FloatVector.broadcast(S, p.m2c[o + j]), a);
        }
        a.add(xn).max(0f).intoArray(tmp, 0);
        for (int r = lo; r < hi; r++) out[outOff + (r - r0) * k + c] = tmp[r - bStart];
      }
    }
  }

  @Override
  public void gmmStep(CpuChunk chunk, GmmPrepared g, GmmStepResult partial) {
    VectorGmm.step(chunk, L, g, partial);
  }

  @Override
  public void gmmLogDensities(CpuChunk chunk, int r0, int count, GmmPrepared g, double[] out, int outOff) {
    VectorGmm.logDensities(chunk, L, r0, count, g, out, outOff);
  }

  @Override
  public void groupDistanceSums(CpuChunk rows, int r0, int count, CpuChunk cols, long colStart, int d, long[] bounds, double[] out,
                                int outOff) {
    VectorDistanceSums.sums(rows, r0, count, cols, colStart, bounds, out, outOff, d, L);
  }

  @Override
  public void plainGroupDistanceSums(CpuChunk rows, int r0, int count, CpuChunk cols, long colStart, int d, long[] bounds, double[] out,
                                     int outOff) {
    PlainDistanceSums.sums(rows, r0, count, cols, colStart, bounds, out, outOff, d, L);
  }
}
