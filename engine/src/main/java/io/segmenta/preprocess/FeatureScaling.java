package io.segmenta.preprocess;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import java.util.Arrays;
import java.util.Objects;

/**
 * A fitted per-column affine transform {@code x' = (x - offset) / scale}, saved with the model and
 * applied again on {@code predict}. A constant column gets scale 1, so it maps to 0 rather than NaN
 * (as scikit-learn's scalers do).
 */
public record FeatureScaling(ScaleMethod method, double[] offset, double[] scale) {

  public FeatureScaling {
    Objects.requireNonNull(method, "method");
    if (offset.length != scale.length) throw new IllegalArgumentException("offset and scale differ in length");
    offset = offset.clone();
    scale = scale.clone();
    for (int j = 0; j < scale.length; j++) {
      if (!Double.isFinite(offset[j]) || !Double.isFinite(scale[j]) || scale[j] == 0) {
        throw new IllegalArgumentException("column " + (j + 1) + ": invalid scaling offset " + offset[j] + ", scale " + scale[j]);
      }
    }
  }

  public static FeatureScaling identity(int d) {
    double[] one = new double[d];
    Arrays.fill(one, 1);
    return new FeatureScaling(ScaleMethod.NONE, new double[d], one);
  }

  /** Fits the transform to a dataset's columns (exact quantiles for {@code ROBUST}). */
  public static FeatureScaling fit(ScaleMethod method, Dataset data) {
    int d = data.cols();
    if (method == ScaleMethod.NONE) return identity(d);
    HostMatrix x = data.matrix();
    long n = x.rows();
    double[] off = new double[d];
    double[] sc = new double[d];
    switch (method) {
      case STANDARD -> {
        // Welford: stable for large n and large offsets.
        double[] mean = new double[d];
        double[] m2 = new double[d];
        float[] row = new float[d];
        for (long i = 0; i < n; i++) {
          x.copyRow(i, row, 0);
          for (int j = 0; j < d; j++) {
            double delta = row[j] - mean[j];
            mean[j] += delta / (i + 1);
            m2[j] += delta * (row[j] - mean[j]);
          }
        }
        for (int j = 0; j < d; j++) {
          off[j] = mean[j];
          sc[j] = nonZero(Math.sqrt(m2[j] / n));
        }
      }
      case MINMAX -> {
        double[] lo = new double[d];
        double[] hi = new double[d];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        float[] row = new float[d];
        for (long i = 0; i < n; i++) {
          x.copyRow(i, row, 0);
          for (int j = 0; j < d; j++) {
            lo[j] = Math.min(lo[j], row[j]);
            hi[j] = Math.max(hi[j], row[j]);
          }
        }
        for (int j = 0; j < d; j++) {
          off[j] = lo[j];
          sc[j] = nonZero(hi[j] - lo[j]);
        }
      }
      case ROBUST -> {
        float[] col = new float[Math.toIntExact(n)];
        for (int j = 0; j < d; j++) {
          for (int i = 0; i < n; i++) col[i] = x.get(i, j);
          Arrays.sort(col);
          off[j] = quantile(col, 0.5);
          sc[j] = nonZero(quantile(col, 0.75) - quantile(col, 0.25));
        }
      }
      default -> throw new AssertionError(method);
    }
    return new FeatureScaling(method, off, sc);
  }

  private static double nonZero(double s) {
    return s == 0 || !Double.isFinite(s) ? 1 : s;
  }

  /** numpy's default ("linear") quantile of sorted values. */
  static double quantile(float[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * frac;
  }

  public int cols() {
    return scale.length;
  }

  public boolean isIdentity() {
    return method == ScaleMethod.NONE;
  }

  /** Applies the transform; returns the same dataset when it is the identity. */
  public Dataset apply(Dataset data) {
    if (data.cols() != cols()) {
      throw new io.segmenta.InvalidInputException("the data has " + data.cols() + " columns, the scaling was fitted on " + cols());
    }
    if (isIdentity()) return data;
    HostMatrix x = data.matrix();
    int n = Math.toIntExact(x.rows());
    int d = cols();
    float[] out = new float[Math.multiplyExact(n, d)];
    x.copyRows(0, n, out, 0);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) out[i * d + j] = (float) ((out[i * d + j] - offset[j]) / scale[j]);
    }
    Dataset scaled = Dataset.of(HostMatrix.ofRowMajor(out, n, d), data.columns(), data.ids(), data.weights());
    return data.idSource() == null ? scaled : scaled.withIdSource(data.idSource());
  }

  /** Maps a point in the input's units into the scaled space. */
  public double[] forward(double[] input) {
    double[] r = new double[input.length];
    for (int j = 0; j < r.length; j++) r[j] = (input[j] - offset[j]) / scale[j];
    return r;
  }

  /** Maps a point of the scaled space back to the input's units. */
  public double[] inverse(double[] scaled) {
    double[] r = new double[scaled.length];
    for (int j = 0; j < r.length; j++) r[j] = scaled[j] * scale[j] + offset[j];
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureScaling f && method == f.method && Arrays.equals(offset, f.offset) && Arrays.equals(scale, f.scale);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * method.hashCode() + Arrays.hashCode(offset)) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "FeatureScaling[" + method.label() + ", offset=" + Arrays.toString(offset) + ", scale=" + Arrays.toString(scale) + "]";
  }
}
