package io.segmenta.mixture;

import io.segmenta.InvalidInputException;
import io.segmenta.kernels.GmmComponents;
import java.util.Locale;

/** The shape of each component's covariance, with scikit-learn's names and meanings. */
public enum CovarianceType {
  /** Each component has its own general covariance matrix. */
  FULL,
  /** All components share one general covariance matrix. */
  TIED,
  /** Each component has its own diagonal covariance matrix. */
  DIAG,
  /** Each component has its own single variance. */
  SPHERICAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code full|tied|diag|spherical}. */
  public static CovarianceType parse(String s) {
    for (CovarianceType t : values()) if (t.label().equals(s.strip().toLowerCase(Locale.ROOT))) return t;
    throw new InvalidInputException("--covariance: unknown type '" + s + "'; expected full, tied, diag or spherical");
  }

  /** The kernels' factor form: full (and tied) covariances have triangular factors, the others diagonal ones. */
  public GmmComponents.Form form() {
    return this == FULL || this == TIED ? GmmComponents.Form.FULL : GmmComponents.Form.DIAG;
  }

  /** Free covariance parameters for k components in d dimensions (scikit-learn's count). */
  long covarianceParameters(int k, int d) {
    long tri = (long) d * (d + 1) / 2;
    return switch (this) {
      case FULL -> k * tri;
      case TIED -> tri;
      case DIAG -> (long) k * d;
      case SPHERICAL -> k;
    };
  }
}
