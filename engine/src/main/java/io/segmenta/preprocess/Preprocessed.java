package io.segmenta.preprocess;

import io.segmenta.InvalidInputException;
import io.segmenta.data.Dataset;
import java.util.Objects;

/**
 * Preprocessing fitted once and applied: the transform and the rows in the clustering space. A run
 * that fits several models on the same rows (a sweep over k) fits and applies it once, and the
 * pipeline times it as its own step.
 *
 * @param scaling the fitted transform (log1p columns, offsets, scales)
 * @param scaled  {@code scaling.apply(data)}: the same dataset when the transform is the identity
 */
public record Preprocessed(FeatureScaling scaling, Dataset scaled) {
  public Preprocessed {
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(scaled, "scaled");
    if (scaled.cols() != scaling.cols()) {
      throw new InvalidInputException("the scaled rows have " + scaled.cols() + " columns, the scaling " + scaling.cols());
    }
  }

  /** {@link FeatureScaling#fit(ScaleMethod, Log1p, Dataset)}, then its {@link FeatureScaling#apply}. */
  public static Preprocessed fit(ScaleMethod method, Log1p log1p, Dataset data) {
    FeatureScaling s = FeatureScaling.fit(method, log1p, data);
    return new Preprocessed(s, s.apply(data));
  }

  /** Refuses a preprocessing that was not fitted on {@code data} with {@code method}. */
  public void checkFits(Dataset data, ScaleMethod method) {
    if (scaled.rows() != data.rows() || scaled.cols() != data.cols()) {
      throw new InvalidInputException("the preprocessed rows are " + scaled.rows() + " x " + scaled.cols() + ", the data "
          + data.rows() + " x " + data.cols());
    }
    if (scaling.method() != method) {
      throw new InvalidInputException("the preprocessing scales by " + scaling.method().label() + ", the parameters ask for " + method.label());
    }
  }
}
