package io.segmenta.preprocess;

import io.segmenta.InvalidInputException;
import java.util.List;
import java.util.Objects;

/**
 * Which columns get {@code log1p} before scaling, for skewed features such as spend or frequency.
 *
 * @param columns columns transformed by name, always (their values must exceed -1)
 * @param skewThreshold also transform every column whose population skewness exceeds this and whose
 *     values all exceed -1; {@code NaN} (the default) turns the automatic choice off. 1.0 is the usual
 *     rule of thumb for "highly skewed".
 */
public record Log1p(List<String> columns, double skewThreshold) {
  /** No column is transformed. */
  public static final Log1p NONE = new Log1p(List.of(), Double.NaN);

  public Log1p {
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    if (Double.isInfinite(skewThreshold)) throw new InvalidInputException("--auto-log1p: the skewness threshold must be finite");
  }

  public static Log1p of(List<String> columns) {
    return new Log1p(columns, Double.NaN);
  }

  public static Log1p auto(double skewThreshold) {
    return new Log1p(List.of(), skewThreshold);
  }

  public boolean isNone() {
    return columns.isEmpty() && Double.isNaN(skewThreshold);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Log1p l && columns.equals(l.columns) && Double.compare(skewThreshold, l.skewThreshold) == 0;
  }

  @Override
  public int hashCode() {
    return columns.hashCode() * 31 + Double.hashCode(skewThreshold);
  }
}
