package io.segmenta.kernels.gpu;

import io.segmenta.kernels.KMeansStepResult;

/**
 * The host side of the GPU K-Means step, shared by the CUDA and OpenCL backends: how centroids are
 * prepared for the kernels, how the update's partitions are laid out, and how the reduced record is
 * unpacked into a {@link KMeansStepResult}. Pure Java, so it is tested without a device.
 *
 * <p>The reduced record holds, per cluster c, {@code width = d + 2} float64 cells
 * {@code [sum w x_0 .. sum w x_{d-1}, sum w, count]} (centred coordinates), then one cell with the
 * inertia: {@code k * width + 1} values.
 */
public final class StepLayout {
  /** Rows one update partition takes at least: fewer partitions than this would idle the device. */
  static final int MIN_ROWS_PER_PART = 256;

  public final int k;
  public final int d;
  public final int width;
  public final int cells;
  public final int stride;
  public final int parts;
  public final int rowsPerPart;

  /**
   * @param maxParts partitions the device runs well at once (a small multiple of its
   *     multiprocessor or compute-unit count)
   */
  public StepLayout(long n, int k, int d, int maxParts) {
    this.k = k;
    this.d = d;
    this.width = d + 2;
    this.cells = Math.multiplyExact(k, width);
    this.stride = cells + 1;
    int want = (int) Math.max(1, Math.min(maxParts, (n + MIN_ROWS_PER_PART - 1) / MIN_ROWS_PER_PART));
    this.rowsPerPart = (int) ((n + want - 1) / want);
    this.parts = (int) ((n + rowsPerPart - 1) / rowsPerPart);
  }

  /** Centroids in the device's centred coordinates, rounded to float32, row-major k x d. */
  public static float[] centredCentroids(double[] centroids, int k, int d, double[] mean) {
    float[] c = new float[k * d];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < d; j++) c[i * d + j] = (float) (centroids[i * d + j] - mean[j]);
    }
    return c;
  }

  /** Squared norms of the float32 centroids, summed in float64 and rounded once. */
  public static float[] norms(float[] c, int k, int d) {
    float[] nrm = new float[k];
    for (int i = 0; i < k; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) s += (double) c[i * d + j] * c[i * d + j];
      nrm[i] = (float) s;
    }
    return nrm;
  }

  /** Fills {@code result} from the reduced record; sums are moved back from centred coordinates. */
  public void unpack(double[] reduced, double[] mean, long changed, KMeansStepResult result) {
    result.reset(k, d);
    for (int c = 0; c < k; c++) {
      int o = c * width;
      double w = reduced[o + d];
      for (int j = 0; j < d; j++) result.sums[c * d + j] = reduced[o + j] + w * mean[j];
      result.weights[c] = w;
      result.counts[c] = Math.round(reduced[o + d + 1]);
    }
    result.inertia = reduced[cells];
    result.changed = changed;
  }
}
