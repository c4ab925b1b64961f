package io.segmenta.kernels;

/**
 * The Gaussian components an E-step evaluates, in the form the kernels want: for component c the
 * log joint density of a row x is
 *
 * <pre>  log p(x, c) = logNorm[c] - 0.5 * ||(x - mean_c) P_c||^2</pre>
 *
 * where {@code P_c} is the Cholesky factor of the precision matrix (upper triangular, as
 * scikit-learn's {@code precisions_cholesky_}) and {@code logNorm[c] = log weight_c + log det P_c
 * - d/2 log(2 pi)}. Spherical and diagonal covariances use the {@link Form#DIAG} form (a diagonal
 * {@code P}); full and tied covariances use {@link Form#FULL} (tied repeats one factor k times).
 *
 * @param form shape of {@code precisionCholesky}
 * @param k components
 * @param d columns
 * @param means {@code k * d}, row-major, in the data's units
 * @param precisionCholesky {@link Form#FULL}: {@code k * d * d} row-major ({@code [c][i][j]},
 *     zero below the diagonal); {@link Form#DIAG}: {@code k * d}
 * @param logNorm {@code k} constants as above
 */
public record GmmComponents(Form form, int k, int d, double[] means, double[] precisionCholesky, double[] logNorm) {

  /** Layout of the precision factors (and of the second moments a step returns). */
  public enum Form {
    /** Upper-triangular {@code d x d} factors; full second moments. */
    FULL,
    /** Diagonal factors; per-column second moments only. */
    DIAG
  }

  public GmmComponents {
    if (form == null) throw new IllegalArgumentException("form is null");
    if (k < 1 || d < 1) throw new IllegalArgumentException("k and d must be >= 1, got " + k + ", " + d);
    long pLen = form == Form.FULL ? (long) k * d * d : (long) k * d;
    if (means == null || means.length != (long) k * d) throw new IllegalArgumentException("means must hold k * d = " + (long) k * d + " values");
    if (precisionCholesky == null || precisionCholesky.length != pLen) {
      throw new IllegalArgumentException("precisionCholesky must hold " + pLen + " values for form " + form);
    }
    if (logNorm == null || logNorm.length != k) throw new IllegalArgumentException("logNorm must hold k = " + k + " values");
    for (double v : means) if (!Double.isFinite(v)) throw new IllegalArgumentException("a component mean is not finite: " + v);
    for (double v : precisionCholesky) if (!Double.isFinite(v)) throw new IllegalArgumentException("a precision factor is not finite: " + v);
    for (double v : logNorm) if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) throw new IllegalArgumentException("a log normaliser is " + v);
  }

  /** Number of second-moment values per component a step returns: d(d+1)/2 for FULL, d for DIAG. */
  public int momentsPerComponent() {
    return form == Form.FULL ? d * (d + 1) / 2 : d;
  }
}
