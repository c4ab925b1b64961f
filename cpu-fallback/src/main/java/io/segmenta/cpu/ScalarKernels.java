package io.segmenta.cpu;

import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;

/**
 * The scalar reference path: row-major float32 storage, every distance and sum in float64, no
 * centring. It is the CPU fallback when {@code jdk.incubator.vector} is missing, and the oracle the
 * fast paths are tested against.
 */
final class ScalarKernels implements CpuKernels {

  @Override
  public String name() {
    return "cpu-scalar";
  }

  /** The reference path keeps the data exactly as given. */
  @Override
  public boolean centres() {
    return false;
  }

  /** The reference recomputes the sums from scratch on every step. */
  @Override
  public boolean incremental() {
    return false;
  }

  @Override
  public int blockRows() {
    return 1;
  }

  @Override
  public String describe() {
    return "scalar float64";
  }

  @Override
  public CpuChunk pack(HostMatrix x, long from, int rows, double[] mean, float[] weights) {
    float[] data = new float[rows * x.cols()];
    x.copyRows(from, rows, data, 0);
    return new CpuChunk(data, null, weights, rows);
  }

  /** Scalar centroids are kept as given, in float64. */
  @Override
  public Object prepare(double[] centroids, int k, int d, double[] mean) {
    return new Centers(centroids.clone(), k, d);
  }

  private record Centers(double[] c, int k, int d) {}

  @Override
  public void step(CpuChunk chunk, Object prepared, int[] labels, float[] dist, KMeansStepResult partial) {
    Centers cs = (Centers) prepared;
    int d = cs.d;
    float[] x = chunk.data();
    float[] w = chunk.weights();
    for (int r = 0; r < chunk.rows(); r++) {
      int xo = r * d;
      double best = Double.POSITIVE_INFINITY;
      int arg = 0;
      for (int c = 0; c < cs.k; c++) {
        double s = 0;
        int co = c * d;
        for (int j = 0; j < d; j++) {
          double diff = (double) x[xo + j] - cs.c[co + j];
          s += diff * diff;
        }
        if (s < best) {
          best = s;
          arg = c;
        }
      }
      if (labels[r] != arg) partial.changed++;
      labels[r] = arg;
      dist[r] = (float) best;
      double wi = w == null ? 1.0 : w[r];
      partial.counts[arg]++;
      partial.weights[arg] += wi;
      partial.inertia += wi * best;
      int so = arg * d;
      for (int j = 0; j < d; j++) partial.sums[so + j] += wi * x[xo + j];
    }
  }

  @Override
  public void pairwise(CpuChunk chunk, int r0, int count, Object prepared, float[] out, int outOff) {
    Centers cs = (Centers) prepared;
    int d = cs.d;
    float[] x = chunk.data();
    for (int r = r0; r < r0 + count; r++) {
      int xo = r * d;
      int oo = outOff + (r - r0) * cs.k;
      for (int c = 0; c < cs.k; c++) {
        double s = 0;
        int co = c * d;
        for (int j = 0; j < d; j++) {
          double diff = (double) x[xo + j] - cs.c[co + j];
          s += diff * diff;
        }
        out[oo + c] = (float) s;
      }
    }
  }

  @Override
  public void gmmStep(CpuChunk chunk, GmmPrepared g, GmmStepResult partial) {
    ScalarGmm.step(chunk, g, partial);
  }

  @Override
  public void gmmLogDensities(CpuChunk chunk, int r0, int count, GmmPrepared g, double[] out, int outOff) {
    ScalarGmm.logDensities(chunk, r0, count, g, out, outOff);
  }

  @Override
  public void groupDistanceSums(CpuChunk rows, int r0, int count, CpuChunk cols, long colStart, int d, long[] bounds, double[] out,
                                int outOff) {
    PlainDistanceSums.sums(rows, r0, count, cols, colStart, bounds, out, outOff, d, 1);
  }
}
