package io.segmenta.cpu;

/**
 * Sums of Euclidean distances to contiguous groups of rows by plain loops in float64, over either
 * kernel's layout (values of row r, dimension t at {@code (r / L) * d * L + t * L + r % L}; L = 1 is
 * row-major; L is a power of two). The scalar kernel's implementation, and the vector kernel's for
 * small calls: the Vector API runs in slow C1-compiled code until C2 has compiled the fused kernel,
 * which took 1.2 to 1.6 s on the report's 3,000-row silhouette sample, where these loops took 0.1
 * to 0.2 s cold (benchmarks/RESULTS.md, "The insights phase cut").
 */
final class PlainDistanceSums {
  private PlainDistanceSums() {}

  static void sums(CpuChunk rc, int r0, int count, CpuChunk cc, long colStart, long[] bounds, double[] out, int outOff, int d, int L) {
    float[] a = rc.data(), b = cc.data();
    int g = bounds.length - 1;
    int colRows = cc.rows();
    int shift = Integer.numberOfTrailingZeros(L), mask = L - 1, dl = d * L;
    double[] xi = new double[d];
    for (int r = r0; r < r0 + count; r++) {
      int ra = (r >> shift) * dl + (r & mask);
      for (int t = 0; t < d; t++) xi[t] = a[ra + t * L];
      int o = outOff + (r - r0) * g;
      int c = 0;
      while (colStart >= bounds[c + 1]) c++;
      // One group's columns at a time: a local sum, one store per group. Four columns at a time keep
      // four independent chains of adds in flight; each distance is still summed over t in order and
      // added to s in column order, as the one-column loop after it does.
      for (int j = 0; j < colRows; c++) {
        int end = (int) Math.min(colRows, bounds[c + 1] - colStart);
        double s = 0;
        for (; j + 4 <= end; j += 4) {
          int c0 = (j >> shift) * dl + (j & mask), c1 = ((j + 1) >> shift) * dl + ((j + 1) & mask);
          int c2 = ((j + 2) >> shift) * dl + ((j + 2) & mask), c3 = ((j + 3) >> shift) * dl + ((j + 3) & mask);
          double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
          for (int t = 0, tl = 0; t < d; t++, tl += L) {
            double e0 = xi[t] - b[c0 + tl], e1 = xi[t] - b[c1 + tl], e2 = xi[t] - b[c2 + tl], e3 = xi[t] - b[c3 + tl];
            q0 += e0 * e0;
            q1 += e1 * e1;
            q2 += e2 * e2;
            q3 += e3 * e3;
          }
          s += Math.sqrt(q0);
          s += Math.sqrt(q1);
          s += Math.sqrt(q2);
          s += Math.sqrt(q3);
        }
        for (; j < end; j++) {
          int cb = (j >> shift) * dl + (j & mask);
          double q = 0;
          for (int t = 0; t < d; t++) {
            double diff = xi[t] - b[cb + t * L];
            q += diff * diff;
          }
          s += Math.sqrt(q);
        }
        out[o + c] += s;
      }
    }
  }
}
