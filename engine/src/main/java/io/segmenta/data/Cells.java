package io.segmenta.data;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import io.segmenta.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Cells from bytes: numbers, ids, header names, and the parse of one block of rows. */
final class Cells {
  private Cells() {}

  static final Set<String> MISSING = Set.of("na", "n/a", "null", "none", "nil", "?", "-");
  static final String UNCLOSED = "a quoted field (a \" at the start of a field) opens on this line and is never closed, so every line after it "
      + "would be read into it: close the quote, or double a quote that is part of the text (\"\")";
  static final String UTF8_HINT = "save the file as UTF-8 (from Latin-1 or Windows-1252: iconv -f cp1252 -t utf-8)";
  private static final Pattern THOUSANDS = Pattern.compile("[+-]?\\d{1,3}([,.' \u00a0]\\d{3})+([.,]\\d+)?");
  private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d*,\\d+([eE][+-]?\\d+)?");

  /** A skipped or failing row: its line within the block (0-based), its fields (for rejects files), the message after "line N". */
  record Skip(int line, String[] fields, String suffix) {}

  /** UTF-8, with U+FFFD for bytes that are not. */
  static String decode(byte[] a, int o, int l) {
    for (int i = o, e = o + l; i < e; i++) {
      if (a[i] < 0) return new String(a, o, l, StandardCharsets.UTF_8);
    }
    return new String(a, o, l, StandardCharsets.ISO_8859_1); // ASCII: the cheap compact string
  }

  /** The index (from {@code o}) of the first byte that is not valid UTF-8, or -1. */
  static int invalidUtf8(byte[] a, int o, int l) {
    int i = o, e = o + l;
    while (i < e) {
      int c = a[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n, min;
      if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
      else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
      else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
      else return i - o;
      if (i + n >= e) return i - o;
      int cp = c & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int cc = a[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) return i - o;
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i - o;
      i += n + 1;
    }
    return -1;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  /** Header names, stripped; an empty or repeated name is an error naming the name and positions. */
  static List<String> headerNames(List<String> fields, String where, long line) {
    List<String> names = new ArrayList<>(fields.size());
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      String n = fields.get(i).strip();
      if (n.isEmpty()) {
        throw new InvalidInputException(where + ", line " + line + " (the header): column " + (i + 1) + " of " + fields.size()
            + " has no name; give every column a name (a separator at the end of the header line also makes an unnamed column)");
      }
      Integer prev = seen.putIfAbsent(n, i);
      if (prev != null) {
        throw new InvalidInputException(where + ", line " + line + " (the header): duplicate column name '" + n + "' at columns " + (prev + 1)
            + " and " + (i + 1) + "; give each column its own name");
      }
      names.add(n);
    }
    return names;
  }

  /** ',' for a number written with a decimal comma, '.' for one with a decimal point, 0 otherwise. */
  static int decimalKind(byte[] a, int o, int l) {
    while (l > 0 && (a[o] & 0xff) <= ' ') { o++; l--; }
    while (l > 0 && (a[o + l - 1] & 0xff) <= ' ') l--;
    if (l > 0 && (a[o] == '-' || a[o] == '+')) { o++; l--; }
    int digits = 0, mark = 0, marks = 0;
    for (int i = o; i < o + l; i++) {
      byte c = a[i];
      if (c >= '0' && c <= '9') digits++;
      else if (c == ',' || c == '.') { mark = c; marks++; }
      else if (c == 'e' || c == 'E') break;
      else return 0;
    }
    return marks == 1 && digits > 0 ? mark : 0;
  }

  /**
   * The decimal-comma rule of format semicolon, shared by the feature and transaction readers: given a trimmed cell's commas
   * and points, null when it reads (its one comma taken as the decimal mark), else why not ({@code shown} is the cell). A point
   * is refused where it would read as a number, since "1.234" may mean 1234 in such a file; a comma and a point together are
   * a thousands separator, which is not read.
   */
  static String decimalCommaRefusal(int commas, int points, boolean pointParses, String shown) {
    if (commas > 0 && points > 0) {
      return "'" + abbreviate(shown) + "' is not a number: thousands separators are not read (the decimal mark of this file is the comma); "
          + "write it without them";
    }
    if (points > 0 && pointParses) {
      return "'" + abbreviate(shown) + "' has a decimal point, but this file writes decimal commas (format semicolon), where a point may be "
          + "a thousands separator; if the file writes decimal points, give --format semicolon-point";
    }
    return null;
  }

  /** What may be wrong with a cell that is not a number: a missing-value marker, a thousands separator, a decimal comma. */
  static String notANumberHint(String s, boolean decimalComma) {
    String low = s.toLowerCase(Locale.ROOT);
    return MISSING.contains(low) ? " (a missing-value marker)"
        : THOUSANDS.matcher(s).matches() && !(decimalComma && DECIMAL_COMMA.matcher(s).matches())
            ? " (thousands separators are not read: write it without them)"
        : !decimalComma && DECIMAL_COMMA.matcher(s).matches()
            ? " (a decimal comma? a semicolon file with decimal commas reads with --format semicolon)" : "";
  }

  /** {@code s} read with a decimal comma ("1,5"), or null when it is not such a number. */
  static Double parseDecimalComma(String s) {
    String t = s.strip();
    if (!DECIMAL_COMMA.matcher(t).matches()) return null;
    return Double.parseDouble(t.replace(',', '.'));
  }

  private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
      1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  /**
   * A plain decimal ({@code [+-]digits[.digits]}, at most 15 digits) read exactly as {@link
   * Double#parseDouble} reads it, or NaN when the cell is anything else. The digits make an integer
   * below 2^53 and the scale a power of ten up to 10^22, both exact doubles, so one IEEE division is
   * the correctly rounded value (Clinger's fast path), which is what parseDouble returns.
   */
  static double simpleDecimal(byte[] a, int o, int len) {
    int i = o, e = o + len;
    boolean neg = false;
    if (i < e && (a[i] == '-' || a[i] == '+')) neg = a[i++] == '-';
    long m = 0;
    int digits = 0, frac = -1;
    for (; i < e; i++) {
      int c = a[i] - '0';
      if (c >= 0 && c <= 9) {
        m = m * 10 + c;
        digits++;
        if (frac >= 0) frac++;
      } else if (c == '.' - '0' && frac < 0) {
        frac = 0;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0 || digits > 15) return Double.NaN;
    double v = frac <= 0 ? (double) m : m / POW10[frac];
    return neg ? -v : v;
  }

  /** NaN or an infinity as pandas, R and spreadsheets spell them (which Java does not parse); 0 otherwise. */
  static double spelledNonFinite(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "nan", "-nan", "+nan", "#num!" -> Double.NaN;
      case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
      default -> 0;
    };
  }

  /** How the rows of a feature table are read: the roles of its columns and the policies. */
  static final class Layout {
    final String where;
    final TextFormat format;
    final List<String> names;
    final int[] features;
    final int idCol, weightCol, width;
    final boolean header;
    final MissingValues.Strategy strategy;
    final float constant;
    final boolean skip;

    Layout(String where, TextFormat format, List<String> names, int[] features, int idCol, int weightCol, boolean header,
           MissingValues missing, boolean skip) {
      this.where = where;
      this.format = format;
      this.names = names;
      this.features = features;
      this.idCol = idCol;
      this.weightCol = weightCol;
      this.width = names.size();
      this.header = header;
      this.strategy = missing.strategy();
      this.constant = (float) missing.constant();
      this.skip = skip;
    }

    String message(long line, String suffix) {
      return where + ", line " + line + suffix;
    }

    Part parse(byte[] b, int start, int end, boolean last) {
      return new Worker(this).parse(b, start, end, last);
    }
  }

  /** One block's rows: values row-major, ids, weights and each row's line within the block. */
  static final class Part implements Blocks.Result {
    int rows;
    float[] values;
    String[] ids;
    float[] weights;
    int[] lineOf;
    final long[] missing;
    final List<Skip> drops = new ArrayList<>(0);
    final List<Skip> rejects = new ArrayList<>(0);
    Skip error;
    int lines;
    int tailStart = -1;

    Part(int d, int capacity, boolean ids, boolean weights) {
      values = new float[capacity * d];
      lineOf = new int[capacity];
      if (ids) this.ids = new String[capacity];
      if (weights) this.weights = new float[capacity];
      missing = new long[d];
    }

    @Override public int lines() { return lines; }

    @Override public int tailStart() { return tailStart; }
  }

  /** The parse of one block of a feature table; one per block, so nothing is shared between threads. */
  private static final class Worker {
    private final Layout l;
    private final Tokenizer t;
    private final int d;
    private final int[] missingCols;
    private byte[] num = new byte[64];
    private String problem;

    Worker(Layout l) {
      this.l = l;
      this.t = new Tokenizer(l.format.separator());
      this.d = l.features.length;
      this.missingCols = new int[d];
    }

    Part parse(byte[] b, int start, int end, boolean last) {
      int lineLen = 6 * l.width + 1;
      Part p = new Part(d, Math.max(16, (end - start) / lineLen + 16), l.idCol >= 0, l.weightCol >= 0);
      int pos = start, line = 0;
      while (pos < end) {
        int recStart = pos, recLine = line;
        pos = t.next(b, pos, end);
        if (t.openQuote()) {
          if (!last) {
            p.tailStart = recStart;
            p.lines = recLine;
            return p;
          }
          p.error = new Skip(recLine, null, ": " + UNCLOSED); // even when skipping: the rest of the file is inside the quote
          p.lines = line;
          return p;
        }
        line += t.lines();
        if (t.blank()) continue;
        String bad = row(p, recLine);
        if (bad != null) {
          if (!l.skip) {
            p.error = new Skip(recLine, null, bad);
            p.lines = line;
            return p;
          }
          p.rejects.add(new Skip(recLine, fields(), bad));
        }
      }
      p.lines = line;
      return p;
    }

    private String[] fields() {
      String[] f = new String[t.count()];
      for (int i = 0; i < f.length; i++) f[i] = decode(t.array(i), t.off(i), t.len(i));
      return f;
    }

    /** Adds the tokenizer's record to {@code p}, or drops it; a problem's message suffix, or null. */
    private String row(Part p, int recLine) {
      int n = t.count();
      if (n != l.width) {
        return ": " + n + " fields, but " + (l.header ? "the header has " : "the first line has ") + l.width + " (ragged row)"
            + (n > l.width && l.format.separator() == ',' ? "; a number written with a thousands separator or a decimal comma (1,234 or 1,5) "
                + "is two fields in a comma-separated file: quote it or remove the separator (a semicolon file with decimal commas reads "
                + "with --format semicolon)" : "");
      }
      int r = p.rows;
      if (r == p.lineOf.length) grow(p);
      float[] v = p.values;
      int base = r * d;
      int nMissing = 0;
      problem = null;
      for (int j = 0; j < d; j++) {
        int c = l.features[j];
        byte[] a = t.array(c);
        int o = t.off(c), len = t.len(c);
        while (len > 0 && (a[o] & 0xff) <= ' ') { o++; len--; }
        while (len > 0 && (a[o + len - 1] & 0xff) <= ' ') len--;
        if (l.strategy != MissingValues.Strategy.FAIL && missing(a, o, len)) {
          missingCols[nMissing++] = j;
          v[base + j] = l.strategy == MissingValues.Strategy.CONSTANT ? l.constant : Float.NaN;
          continue;
        }
        float x = number(a, o, len, c);
        if (problem != null) return problem;
        v[base + j] = x;
      }
      if (nMissing > 0 && l.strategy == MissingValues.Strategy.DROP) {
        for (int k = 0; k < nMissing; k++) p.missing[missingCols[k]]++;
        p.drops.add(new Skip(recLine, fields(), ", column '" + l.names.get(l.features[missingCols[0]]) + "': missing value, row dropped (--missing drop)"));
        return null;
      }
      String id = null;
      if (l.idCol >= 0) {
        byte[] a = t.array(l.idCol);
        int o = t.off(l.idCol), len = t.len(l.idCol);
        int bad = invalidUtf8(a, o, len);
        if (bad >= 0) {
          return ", column '" + l.names.get(l.idCol) + "': the id '" + abbreviate(decode(a, o, len)) + "' is not valid UTF-8 (byte 0x"
              + String.format("%02X", a[o + bad] & 0xff) + " at its byte " + (bad + 1) + "): " + UTF8_HINT;
        }
        id = decode(a, o, len).strip();
        if (id.isEmpty()) return ", column '" + l.names.get(l.idCol) + "': empty id";
      }
      float w = 1f;
      if (l.weightCol >= 0) {
        byte[] a = t.array(l.weightCol);
        int o = t.off(l.weightCol), len = t.len(l.weightCol);
        while (len > 0 && (a[o] & 0xff) <= ' ') { o++; len--; }
        while (len > 0 && (a[o + len - 1] & 0xff) <= ' ') len--;
        w = number(a, o, len, l.weightCol);
        if (problem != null) return problem;
        if (w < 0) {
          return ", column '" + l.names.get(l.weightCol) + "': weight " + decode(a, o, len) + " is negative; sample weights must be >= 0";
        }
      }
      for (int k = 0; k < nMissing; k++) p.missing[missingCols[k]]++;
      p.lineOf[r] = recLine;
      if (p.ids != null) p.ids[r] = id;
      if (p.weights != null) p.weights[r] = w;
      p.rows = r + 1;
      return null;
    }

    private void grow(Part p) {
      int cap = p.lineOf.length * 2;
      p.values = Arrays.copyOf(p.values, cap * d);
      p.lineOf = Arrays.copyOf(p.lineOf, cap);
      if (p.ids != null) p.ids = Arrays.copyOf(p.ids, cap);
      if (p.weights != null) p.weights = Arrays.copyOf(p.weights, cap);
    }

    /** An empty cell, a marker (NA, null, ?, ...) or NaN, on trimmed bytes. */
    private static boolean missing(byte[] a, int o, int len) {
      if (len == 0) return true;
      if (len > 4 || (a[o] >= '0' && a[o] <= '9')) return false;
      String s = new String(a, o, len, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
      return MISSING.contains(s) || s.equals("nan");
    }

    /** The trimmed cell as a float, or sets {@link #problem}. */
    private float number(byte[] a, int o, int len, int col) {
      if (len == 0) {
        problem = ", column '" + l.names.get(col) + "': empty cell (missing value)";
        return 0;
      }
      if (l.format.decimalComma()) {
        int commas = 0, points = 0;
        for (int i = o; i < o + len; i++) {
          if (a[i] == ',') commas++;
          else if (a[i] == '.') points++;
        }
        // Without a point the rule accepts the cell: no String is made for the common "12,50".
        String refused = points == 0 ? null : decimalCommaRefusal(commas, points, commas == 0 && pointNumber(a, o, len), decode(a, o, len));
        if (refused != null) {
          problem = ", column '" + l.names.get(col) + "': " + refused;
          return 0;
        }
        if (commas == 1) {
          if (num.length < len) num = new byte[len * 2];
          System.arraycopy(a, o, num, 0, len);
          for (int i = 0; i < len; i++) if (num[i] == ',') num[i] = '.';
          return parse(num, 0, len, col, a, o);
        }
      }
      return parse(a, o, len, col, a, o);
    }

    private static boolean pointNumber(byte[] a, int o, int len) {
      try {
        JavaDoubleParser.parseDouble(a, o, len);
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    /** {@code (float) Double.parseDouble}, from bytes; {@code orig, oo} hold the cell as written, for messages. */
    private float parse(byte[] a, int o, int len, int col, byte[] orig, int oo) {
      double v = simpleDecimal(a, o, len);
      if (v != v) {
        try {
          v = JavaDoubleParser.parseDouble(a, o, len);
        } catch (NumberFormatException e) {
          return slow(decode(orig, oo, len), col);
        }
      }
      float f = (float) v;
      return Float.isFinite(f) ? f : finite(v, decode(orig, oo, len), col); // the String only for the message
    }

    private float finite(double v, String text, int col) {
      float f = (float) v;
      if (!Float.isFinite(f)) {
        problem = ", column '" + l.names.get(col) + "': value " + abbreviate(text)
            + (Double.isNaN(v) ? " is NaN" : Double.isInfinite(v) ? " is not finite" : " is not finite in float32 (beyond 3.4e38)")
            + "; NaN and infinite values are not allowed";
      }
      return f;
    }

    /** Cells FastDoubleParser refuses: Unicode blanks, spelled infinities, and the errors, with hints. */
    private float slow(String cell, int col) {
      String s = cell.strip();
      double v;
      try {
        v = Double.parseDouble(l.format.decimalComma() && s.indexOf('.') < 0 ? s.replace(',', '.') : s);
      } catch (NumberFormatException e) {
        v = spelledNonFinite(s);
        if (v == 0) {
          problem = ", column '" + l.names.get(col) + "': '" + abbreviate(s) + "' is not a number" + notANumberHint(s, l.format.decimalComma());
          return 0;
        }
      }
      return finite(v, s, col);
    }
  }

  /** One block of raw rows (the transaction path). */
  static final class FieldPart implements Blocks.Result {
    final List<String[]> rows = new ArrayList<>();
    int[] lineOf = new int[64];
    int lines;
    int tailStart = -1;
    Skip error;

    @Override public int lines() { return lines; }

    @Override public int tailStart() { return tailStart; }
  }

  static FieldPart fields(byte sep, byte[] b, int start, int end, boolean last) {
    Tokenizer t = new Tokenizer(sep);
    FieldPart p = new FieldPart();
    int pos = start, line = 0;
    while (pos < end) {
      int recStart = pos, recLine = line;
      pos = t.next(b, pos, end);
      if (t.openQuote()) {
        if (!last) {
          p.tailStart = recStart;
          p.lines = recLine;
          return p;
        }
        p.error = new Skip(recLine, null, ": " + UNCLOSED);
        p.lines = line;
        return p;
      }
      line += t.lines();
      if (t.blank()) continue;
      String[] f = new String[t.count()];
      for (int i = 0; i < f.length; i++) f[i] = decode(t.array(i), t.off(i), t.len(i));
      if (p.rows.size() == p.lineOf.length) p.lineOf = Arrays.copyOf(p.lineOf, p.lineOf.length * 2);
      p.lineOf[p.rows.size()] = recLine;
      p.rows.add(f);
    }
    p.lines = line;
    return p;
  }
}
