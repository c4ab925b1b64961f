package io.segmenta.ingest;

/**
 * A fast reading of timestamps for the fixed-width patterns ({@code yyyy uuuu MM dd HH mm ss} and
 * literals other than letters and quotes): a string of exactly the pattern's layout, with every
 * field in its plain range (month 1-12, a day that exists in that month, hour 0-23, minute and
 * second 0-59, year 1-9999), is read directly; anything else returns {@link Long#MIN_VALUE} and is
 * left to the {@link java.time.format.DateTimeFormatter} (which resolves or rejects the unusual
 * cases, 24:00 or 31 April, its own way). On the strings it accepts it gives the formatter's
 * result.
 */
final class FixedTimestamp {
  private static final byte LIT = 0, Y = 1, MO = 2, D = 3, H = 4, MI = 5, S = 6;
  private final byte[] kind;
  private final String literal;
  private final boolean dateOnly;

  private FixedTimestamp(byte[] kind, String literal, boolean dateOnly) {
    this.kind = kind;
    this.literal = literal;
    this.dateOnly = dateOnly;
  }

  /** The fast reader for a pattern, or null when the pattern is outside what it reads. */
  static FixedTimestamp compile(String pattern) {
    StringBuilder k = new StringBuilder(), lit = new StringBuilder();
    boolean year = false, month = false, day = false, hour = false, minute = false;
    int i = 0;
    while (i < pattern.length()) {
      char ch = pattern.charAt(i);
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
        int j = i;
        while (j < pattern.length() && pattern.charAt(j) == ch) j++;
        String tok = pattern.substring(i, j);
        byte kd;
        switch (tok) {
          case "yyyy", "uuuu" -> { kd = Y; year = true; }
          case "MM" -> { kd = MO; month = true; }
          case "dd" -> { kd = D; day = true; }
          case "HH" -> { kd = H; hour = true; }
          case "mm" -> { kd = MI; minute = true; }
          case "ss" -> kd = S;
          default -> { return null; }
        }
        for (int n = 0; n < tok.length(); n++) {
          k.append((char) kd);
          lit.append('0');
        }
        i = j;
      } else if (ch == '\'' || ch == '[' || ch == ']' || ch == '#' || ch == '{' || ch == '}' || Character.isLetter(ch) || ch > 0x7e || ch < 0x20) {
        return null; // quoted literals, optional sections, reserved and non-ASCII characters: the formatter's business
      } else {
        k.append((char) LIT);
        lit.append(ch);
        i++;
      }
    }
    // A repeated field, or a date without all three parts, or hours without minutes: leave it to the formatter.
    if (!year || !month || !day || (hour && !minute) || count(k, Y) != 4 || count(k, MO) != 2 || count(k, D) != 2
        || count(k, H) > 2 || count(k, MI) > 2 || count(k, S) > 2) {
      return null;
    }
    byte[] kind = new byte[k.length()];
    for (int n = 0; n < kind.length; n++) kind[n] = (byte) k.charAt(n);
    boolean dateOnly = pattern.indexOf('H') < 0 && pattern.indexOf('h') < 0;
    return new FixedTimestamp(kind, lit.toString(), dateOnly);
  }

  private static int count(CharSequence k, byte kd) {
    int n = 0;
    for (int i = 0; i < k.length(); i++) if (k.charAt(i) == kd) n++;
    return n;
  }

  /** Seconds since 1970-01-01T00:00 UTC, or {@link Long#MIN_VALUE} to hand the string to the formatter. */
  long epochSecond(String s) {
    int n = kind.length;
    if (s.length() != n) return Long.MIN_VALUE;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      byte kd = kind[i];
      if (kd == LIT) {
        if (c != literal.charAt(i)) return Long.MIN_VALUE;
        continue;
      }
      int v = c - '0';
      if (v < 0 || v > 9) return Long.MIN_VALUE;
      switch (kd) {
        case Y -> y = y * 10 + v;
        case MO -> mo = mo * 10 + v;
        case D -> d = d * 10 + v;
        case H -> h = h * 10 + v;
        case MI -> mi = mi * 10 + v;
        default -> sec = sec * 10 + v;
      }
    }
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > java.time.YearMonth.of(y, mo).lengthOfMonth() || h > 23 || mi > 59 || sec > 59) {
      return Long.MIN_VALUE;
    }
    long days = java.time.LocalDate.of(y, mo, d).toEpochDay();
    return dateOnly ? days * 86_400 : days * 86_400 + h * 3600L + mi * 60L + sec;
  }
}
