package io.segmenta.hierarchy;

import io.segmenta.InvalidInputException;
import java.util.Locale;

/** How the distance between two clusters is measured, as SciPy's {@code linkage(method=...)}. */
public enum Linkage {
  /** Ward's minimum-variance criterion (Euclidean input, Lance-Williams update). */
  WARD,
  /** The largest distance between members. */
  COMPLETE,
  /** The mean distance between members (UPGMA). */
  AVERAGE,
  /** The smallest distance between members, through a minimum spanning tree. */
  SINGLE;

  public static Linkage parse(String s) {
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("--linkage: unknown method '" + s + "'; expected ward, complete, average or single");
    }
  }
}
