package io.segmenta.ingest;

/**
 * {@link Double#parseDouble} for the short plain decimals of a transaction log ("6", "-12", "2.55"):
 * an optional sign, at most 15 digits with at most one point, no exponent. Such a value is m / 10^e
 * with m below 2^53 and e at most 15, both exact doubles, so one IEEE division gives the correctly
 * rounded result, the same double parseDouble returns (Clinger's fast path). Anything else returns
 * NaN, for the caller to hand to parseDouble.
 */
final class FastDecimal {
  private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

  private FastDecimal() {}

  static double parse(String s) {
    int n = s.length(), i = 0;
    if (n == 0 || n > 17) return Double.NaN;
    boolean neg = false;
    char c0 = s.charAt(0);
    if (c0 == '-' || c0 == '+') {
      neg = c0 == '-';
      i = 1;
    }
    long m = 0;
    int digits = 0, frac = -1;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        m = m * 10 + (c - '0');
        digits++;
        if (frac >= 0) frac++;
      } else if (c == '.' && frac < 0) {
        frac = 0;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0 || digits > 15) return Double.NaN;
    double v = frac > 0 ? m / POW10[frac] : m;
    return neg ? -v : v;
  }
}
