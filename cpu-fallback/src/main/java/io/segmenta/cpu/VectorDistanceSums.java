package io.segmenta.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of Euclidean distances to contiguous groups of rows, with the Java Vector API: four rows
 * against one block of L column rows at a time (each loaded column vector feeds four FMA chains),
 * squared distances from differences (no cancellation), a lanewise square root, and float sums of
 * at most {@value #FLUSH} + 1 blocks flushed into float64 in a fixed lane order, so results do not
 * depend on the JIT or the thread count.
 */
final class VectorDistanceSums {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Blocks summed in float before a flush to float64: bounds the float rounding to ~FLUSH * L terms. */
  private static final int FLUSH = 8;

  private VectorDistanceSums() {}

  static void sums(CpuChunk rc, int r0, int count, CpuChunk cc, long colStart, long[] bounds, double[] out, int outOff, int d, int L) {
    float[] rd = rc.data(), cd = cc.data();
    int g = bounds.length - 1;
    int colRows = cc.rows();
    int blocks = (colRows + L - 1) / L;
    float[] xi = new float[4 * d];
    float[] lanes = new float[4 * L];
    for (int i = r0; i < r0 + count; i += 4) {
      int q = Math.min(4, r0 + count - i);
      for (int qq = 0; qq < 4; qq++) {
        int r = i + Math.min(qq, q - 1); // missing rows repeat the last one; their sums are dropped
        for (int t = 0; t < d; t++) xi[t * 4 + qq] = rd[(r / L) * d * L + t * L + r % L];
      }
      int o0 = outOff + (i - r0) * g;
      int c = 0;
      while (colStart >= bounds[c + 1]) c++;
      FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      int run = 0;
      for (int b = 0; b < blocks; b++) {
        long j0 = colStart + (long) b * L;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        boolean whole;
        if (b + 1 < blocks && (b + 2) * L <= colRows && j0 + 2L * L <= bounds[c + 1]) {
          // Two whole blocks of one group at once: each broadcast row value feeds two blocks, and
          // eight FMA chains hide the FMA latency that four leave exposed.
          FloatVector u0 = s0, u1 = s0, u2 = s0, u3 = s0;
          int ci = b * d * L, dl = d * L;
          for (int x = 0; x < 4 * d; x += 4, ci += L) {
            FloatVector col = FloatVector.fromArray(S, cd, ci);
            FloatVector cod = FloatVector.fromArray(S, cd, ci + dl);
            FloatVector x0 = FloatVector.broadcast(S, xi[x]);
            FloatVector x1 = FloatVector.broadcast(S, xi[x + 1]);
            FloatVector x2 = FloatVector.broadcast(S, xi[x + 2]);
            FloatVector x3 = FloatVector.broadcast(S, xi[x + 3]);
            FloatVector e0 = col.sub(x0);
            s0 = e0.fma(e0, s0);
            FloatVector f0 = cod.sub(x0);
            u0 = f0.fma(f0, u0);
            FloatVector e1 = col.sub(x1);
            s1 = e1.fma(e1, s1);
            FloatVector f1 = cod.sub(x1);
            u1 = f1.fma(f1, u1);
            FloatVector e2 = col.sub(x2);
            s2 = e2.fma(e2, s2);
            FloatVector f2 = cod.sub(x2);
            u2 = f2.fma(f2, u2);
            FloatVector e3 = col.sub(x3);
            s3 = e3.fma(e3, s3);
            FloatVector f3 = cod.sub(x3);
            u3 = f3.fma(f3, u3);
          }
          a0 = a0.add(s0.sqrt()).add(u0.sqrt());
          a1 = a1.add(s1.sqrt()).add(u1.sqrt());
          a2 = a2.add(s2.sqrt()).add(u2.sqrt());
          a3 = a3.add(s3.sqrt()).add(u3.sqrt());
          run += 2;
          b++;
          whole = true;
        } else {
          // One block. The four rows' values interleave by dimension (xi[4t + row]) and the column
          // offset steps by L: the loop body is loads, subtractions and FMAs with little index
          // arithmetic to spill (18% faster than indexing xi[row * d + t]).
          int ci = b * d * L;
          for (int x = 0; x < 4 * d; x += 4, ci += L) {
            FloatVector col = FloatVector.fromArray(S, cd, ci);
            FloatVector e0 = col.sub(xi[x]);
            FloatVector e1 = col.sub(xi[x + 1]);
            FloatVector e2 = col.sub(xi[x + 2]);
            FloatVector e3 = col.sub(xi[x + 3]);
            s0 = e0.fma(e0, s0);
            s1 = e1.fma(e1, s1);
            s2 = e2.fma(e2, s2);
            s3 = e3.fma(e3, s3);
          }
          s0 = s0.sqrt();
          s1 = s1.sqrt();
          s2 = s2.sqrt();
          s3 = s3.sqrt();
          whole = b * L + L <= colRows && j0 + L <= bounds[c + 1];
          if (whole) {
            a0 = a0.add(s0);
            a1 = a1.add(s1);
            a2 = a2.add(s2);
            a3 = a3.add(s3);
            run++;
          }
        }
        // The float sums go to float64 every FLUSH blocks, before a block that crosses a group
        // boundary, and at the end of the row.
        if (run >= FLUSH || run > 0 && (!whole || b + 1 >= blocks)) {
          a0.intoArray(lanes, 0);
          a1.intoArray(lanes, L);
          a2.intoArray(lanes, 2 * L);
          a3.intoArray(lanes, 3 * L);
          flush(out, o0, g, c, q, lanes, L);
          a0 = FloatVector.zero(S);
          a1 = a0;
          a2 = a0;
          a3 = a0;
          run = 0;
        }
        if (whole) continue;
        // A block across a group boundary (or the chunk's padded end): lane by lane.
        s0.intoArray(lanes, 0);
        s1.intoArray(lanes, L);
        s2.intoArray(lanes, 2 * L);
        s3.intoArray(lanes, 3 * L);
        for (int qq = 0; qq < q; qq++) {
          int cc2 = c;
          for (int l = 0; l < L && b * L + l < colRows; l++) {
            long j = j0 + l;
            while (j >= bounds[cc2 + 1]) cc2++;
            out[o0 + qq * g + cc2] += lanes[qq * L + l];
          }
        }
        long last = Math.min(j0 + L, colStart + colRows) - 1;
        while (last >= bounds[c + 1]) c++;
      }
    }
  }

  /**
   * Adds each row's lane sums (lanes[qq * L ..]), in lane order, to its group-c entry. The callers
   * store their four accumulators into {@code lanes} themselves: vectors passed to a method the JIT
   * does not inline are boxed, which made this kernel twice as slow.
   */
  private static void flush(double[] out, int o0, int g, int c, int q, float[] lanes, int L) {
    for (int qq = 0; qq < q; qq++) {
      double s = 0;
      for (int l = 0; l < L; l++) s += lanes[qq * L + l];
      out[o0 + qq * g + c] += s;
    }
  }
}
