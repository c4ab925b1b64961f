package io.segmenta.preprocess;

import io.segmenta.InvalidInputException;
import java.util.Locale;

/** How columns are scaled before clustering. */
public enum ScaleMethod {
  /** Leave values as they are. */
  NONE,
  /** z-score: (x - mean) / standard deviation (population). */
  STANDARD,
  /** (x - min) / (max - min), into [0, 1]. */
  MINMAX,
  /** (x - median) / IQR (75th minus 25th percentile, linear interpolation as numpy). */
  ROBUST;

  public static ScaleMethod parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("--scale: unknown method '" + s + "'; expected none, standard, minmax or robust");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
