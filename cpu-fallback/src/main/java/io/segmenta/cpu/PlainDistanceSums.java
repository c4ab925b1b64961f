package io.segmenta.cpu;

/**
 * Sums of Euclidean distances to contiguous groups of rows by plain loops in float64, over either
 * kernel's layout (values of row r, dimension t at {@code (r / L) * d * L + t * L + r % L}; L = 1 is
 * row-major). The scalar kernel's implementation, and the vector kernel's for small calls: the
 * Vector API runs in slow C1-compiled code until C2 has compiled the fused kernel, which took 1.6 s
 * of a run on the report's 3,000-row silhouette sample (benchmarks/RESULTS.md), where this loop
 * needs tens of milliseconds.
 */
final class PlainDistanceSums {
  private PlainDistanceSums() {}

  static void sums(CpuChunk rc, int r0, int count, CpuChunk cc, long colStart, long[] bounds, double[] out, int outOff, int d, int L) {
    float[] a = rc.data(), b = cc.data();
    int g = bounds.length - 1;
    int colRows = cc.rows();
    double[] xi = new double[d];
    for (int r = r0; r < r0 + count; r++) {
      int ra = (r / L) * d * L + r % L;
      for (int t = 0; t < d; t++) xi[t] = a[ra + t * L];
      int o = outOff + (r - r0) * g;
      int c = 0;
      while (colStart >= bounds[c + 1]) c++;
      // One group's columns at a time: a local sum, one store per group. The column's offset steps
      // lane by lane and block by block (no division per pair).
      int block = 0, lane = 0, dl = d * L;
      for (int j = 0; j < colRows; c++) {
        int end = (int) Math.min(colRows, bounds[c + 1] - colStart);
        double s = 0;
        for (; j < end; j++) {
          int cb = block + lane;
          if (++lane == L) {
            lane = 0;
            block += dl;
          }
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
