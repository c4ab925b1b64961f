package io.segmenta.spark;

import io.segmenta.InvalidInputException;
import io.segmenta.preprocess.FeatureScaling;
import io.segmenta.preprocess.Log1p;
import io.segmenta.preprocess.ScaleMethod;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * The engine's column scaling and log1p ({@code preprocess.FeatureScaling.fit}) fitted from the
 * first pass's column moments, so Spark needs no extra pass: the same rule for choosing log1p
 * columns (by name, or by skewness above a threshold when every value exceeds -1), the same offsets
 * and scales, saved with the model as the engine saves them.
 */
final class Scaling {
  private Scaling() {}

  static FeatureScaling fit(ScaleMethod method, Log1p spec, Features f, Features.Summary s) {
    int d = f.d;
    boolean[] logCols = new boolean[d];
    Moments raw = s.raw();
    if (!spec.isNone()) {
      for (String c : spec.columns()) {
        int j = f.names.indexOf(c);
        if (j < 0) throw new InvalidInputException("log1pCols: column '" + c + "' is not one of " + String.join(", ", f.names));
        if (raw.min[j] <= -1) {
          throw new InvalidInputException("log1pCols: column '" + c + "' has the value " + raw.min[j] + "; log1p needs values above -1");
        }
        logCols[j] = true;
      }
      if (!Double.isNaN(spec.skewThreshold())) {
        double[] skew = raw.skewness();
        for (int j = 0; j < d; j++) if (skew[j] > spec.skewThreshold() && raw.min[j] > -1) logCols[j] = true;
      }
    }
    double[] mean = new double[d], var = new double[d], lo = new double[d], hi = new double[d];
    double[] rawVar = raw.variance();
    double[] logVar = s.log1p().variance();
    for (int j = 0; j < d; j++) {
      Moments m = logCols[j] ? s.log1p() : raw;
      mean[j] = m.mean[j];
      var[j] = logCols[j] ? logVar[j] : rawVar[j];
      lo[j] = m.min[j];
      hi[j] = m.max[j];
    }
    double[] off = new double[d];
    double[] sc = new double[d];
    Arrays.fill(sc, 1);
    switch (method) {
      case NONE -> { }
      case STANDARD -> {
        for (int j = 0; j < d; j++) {
          off[j] = mean[j];
          sc[j] = nonZero(Math.sqrt(var[j]));
        }
      }
      case MINMAX -> {
        for (int j = 0; j < d; j++) {
          off[j] = lo[j];
          sc[j] = nonZero(hi[j] - lo[j]);
        }
      }
      case ROBUST -> throw new InvalidInputException("scale 'robust' needs exact quantiles, which the Spark estimators do not "
          + "compute; use 'standard' or 'minmax' (or scale with the single-machine engine)");
      default -> throw new AssertionError(method);
    }
    return new FeatureScaling(method, logCols, off, sc);
  }

  private static double nonZero(double s) {
    return s == 0 || !Double.isFinite(s) ? 1 : s;
  }

  /** Population variance of each column after the scaling (for the tolerance), from the same moments. */
  static double[] scaledVariance(FeatureScaling scaling, Features.Summary s) {
    boolean[] lg = scaling.log1p();
    double[] rawVar = s.raw().variance();
    double[] logVar = s.log1p().variance();
    double[] sc = scaling.scale();
    double[] v = new double[sc.length];
    for (int j = 0; j < v.length; j++) v[j] = (lg[j] ? logVar[j] : rawVar[j]) / (sc[j] * sc[j]);
    return v;
  }

  /** The blocks in the scaled space (float32, as the engine's {@code FeatureScaling.apply}), persisted. */
  static JavaRDD<FeatureBlock> apply(JavaRDD<FeatureBlock> blocks, FeatureScaling scaling) {
    boolean[] lg = scaling.log1p();
    double[] off = scaling.offset();
    double[] sc = scaling.scale();
    return blocks.map(b -> b.scaled(lg, off, sc)).persist(StorageLevel.MEMORY_AND_DISK());
  }
}
