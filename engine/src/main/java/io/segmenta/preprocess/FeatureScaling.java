package io.segmenta.preprocess;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.InvalidInputException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.Objects;

/**
 * A fitted per-column transform, saved with the model and applied again on {@code predict}:
 * {@code x' = (g(x) - offset) / scale}, where {@code g} is {@code log1p} for the columns flagged in
 * {@code log1p} and the identity otherwise. A constant column gets scale 1, so it maps to 0 rather
 * than NaN (as scikit-learn's scalers do). Fitting streams over the rows (Welford moments, exact
 * quantiles by radix selection), so a mapped store of any size is fitted with bounded memory.
 */
public record FeatureScaling(ScaleMethod method, boolean[] log1p, double[] offset, double[] scale) {

  public FeatureScaling {
    Objects.requireNonNull(method, "method");
    if (offset.length != scale.length || log1p.length != scale.length) {
      throw new IllegalArgumentException("log1p, offset and scale differ in length");
    }
    log1p = log1p.clone();
    offset = offset.clone();
    scale = scale.clone();
    for (int j = 0; j < scale.length; j++) {
      if (!Double.isFinite(offset[j]) || !Double.isFinite(scale[j]) || scale[j] == 0) {
        throw new IllegalArgumentException("column " + (j + 1) + ": invalid scaling offset " + offset[j] + ", scale " + scale[j]);
      }
    }
  }

  /** An affine scaling without log1p. */
  public FeatureScaling(ScaleMethod method, double[] offset, double[] scale) {
    this(method, new boolean[offset.length], offset, scale);
  }

  public static FeatureScaling identity(int d) {
    double[] one = new double[d];
    Arrays.fill(one, 1);
    return new FeatureScaling(ScaleMethod.NONE, new double[d], one);
  }

  @Override
  public boolean[] log1p() {
    return log1p.clone();
  }

  /** Fits the scaling alone, without log1p. */
  public static FeatureScaling fit(ScaleMethod method, Dataset data) {
    return fit(method, Log1p.NONE, data);
  }

  /**
   * Chooses the log1p columns (by name, and by skewness above the threshold), then fits the scaling
   * on the transformed columns.
   *
   * @throws InvalidInputException if a column named for log1p has a value of -1 or less
   */
  public static FeatureScaling fit(ScaleMethod method, Log1p logSpec, Dataset data) {
    int d = data.cols();
    HostMatrix x = data.matrix();
    boolean[] logCols = new boolean[d];
    ColumnStats raw = null;
    if (!logSpec.isNone()) {
      raw = ColumnStats.of(x, null);
      for (String c : logSpec.columns()) {
        int j = data.columns().indexOf(c);
        if (j < 0) throw new InvalidInputException("--log1p: column '" + c + "' is not one of " + String.join(", ", data.columns()));
        if (raw.min[j] <= -1) {
          throw new InvalidInputException("--log1p: column '" + c + "' has the value " + raw.min[j] + "; log1p needs values above -1");
        }
        logCols[j] = true;
      }
      if (!Double.isNaN(logSpec.skewThreshold())) {
        for (int j = 0; j < d; j++) {
          if (raw.skewness[j] > logSpec.skewThreshold() && raw.min[j] > -1) logCols[j] = true;
        }
      }
    }
    DoubleUnaryOperator[] g = new DoubleUnaryOperator[d];
    boolean anyLog = false;
    for (int j = 0; j < d; j++) {
      if (logCols[j]) {
        g[j] = Math::log1p;
        anyLog = true;
      }
    }
    if (!anyLog) g = null;
    double[] off = new double[d];
    double[] sc = new double[d];
    Arrays.fill(sc, 1);
    switch (method) {
      case NONE -> { }
      case STANDARD -> {
        ColumnStats st = anyLog || raw == null ? ColumnStats.of(x, g) : raw;
        for (int j = 0; j < d; j++) {
          off[j] = st.mean[j];
          sc[j] = nonZero(Math.sqrt(st.variance[j]));
        }
      }
      case MINMAX -> {
        ColumnStats st = anyLog || raw == null ? ColumnStats.of(x, g) : raw;
        for (int j = 0; j < d; j++) {
          off[j] = st.min[j];
          sc[j] = nonZero(st.max[j] - st.min[j]);
        }
      }
      case ROBUST -> {
        double[][] q = ExactQuantiles.of(x, new double[] {0.25, 0.5, 0.75}, g);
        for (int j = 0; j < d; j++) {
          off[j] = q[j][1];
          sc[j] = nonZero(q[j][2] - q[j][0]);
        }
      }
      default -> throw new AssertionError(method);
    }
    return new FeatureScaling(method, logCols, off, sc);
  }

  private static double nonZero(double s) {
    return s == 0 || !Double.isFinite(s) ? 1 : s;
  }

  public int cols() {
    return scale.length;
  }

  public boolean isIdentity() {
    if (method != ScaleMethod.NONE) return false;
    for (boolean b : log1p) if (b) return false;
    return true;
  }

  /** Names of the log1p-transformed columns among {@code columns}. */
  public java.util.List<String> log1pColumns(java.util.List<String> columns) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int j = 0; j < log1p.length; j++) if (log1p[j]) out.add(columns.get(j));
    return out;
  }

  /** Applies the transform; returns the same dataset when it is the identity. */
  public Dataset apply(Dataset data) {
    if (data.cols() != cols()) {
      throw new io.segmenta.InvalidInputException("the data has " + data.cols() + " columns, the scaling was fitted on " + cols());
    }
    if (isIdentity()) return data;
    HostMatrix x = data.matrix();
    long n = x.rows();
    int d = cols();
    // Off-heap, so that a store larger than the heap can be scaled; freed with the dataset.
    MemorySegment out = Arena.ofAuto().allocate(Math.multiplyExact(n * d, (long) Float.BYTES), 64);
    int block = 1 << 14;
    float[] buf = new float[block * d];
    for (long r0 = 0; r0 < n; r0 += block) {
      int rows = (int) Math.min(block, n - r0);
      x.copyRows(r0, rows, buf, 0);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) {
          double v = buf[i * d + j];
          if (log1p[j]) {
            if (!(v > -1)) {
              throw new io.segmenta.InvalidInputException("row " + (r0 + i + 1) + ", column " + (j + 1) + ": value " + v
                  + " cannot take log1p (the model log-transforms this column; values must exceed -1)");
            }
            v = Math.log1p(v);
          }
          buf[i * d + j] = (float) ((v - offset[j]) / scale[j]);
        }
      }
      MemorySegment.copy(buf, 0, out, ValueLayout.JAVA_FLOAT_UNALIGNED, r0 * d * Float.BYTES, rows * d);
    }
    Dataset scaled = Dataset.of(HostMatrix.of(out, n, d), data.columns(), data.ids(), data.weights());
    return data.idSource() == null ? scaled : scaled.withIdSource(data.idSource());
  }

  /** Maps a point in the input's units into the scaled space. */
  public double[] forward(double[] input) {
    double[] r = new double[input.length];
    for (int j = 0; j < r.length; j++) r[j] = ((log1p[j] ? Math.log1p(input[j]) : input[j]) - offset[j]) / scale[j];
    return r;
  }

  /** Maps a point of the scaled space back to the input's units. */
  public double[] inverse(double[] scaled) {
    double[] r = new double[scaled.length];
    for (int j = 0; j < r.length; j++) {
      double v = scaled[j] * scale[j] + offset[j];
      r[j] = log1p[j] ? Math.expm1(v) : v;
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureScaling f && method == f.method && Arrays.equals(log1p, f.log1p) && Arrays.equals(offset, f.offset)
        && Arrays.equals(scale, f.scale);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * method.hashCode() + Arrays.hashCode(log1p)) + Arrays.hashCode(offset)) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "FeatureScaling[" + method.label() + ", log1p=" + Arrays.toString(log1p) + ", offset=" + Arrays.toString(offset) + ", scale=" + Arrays.toString(scale) + "]";
  }
}
