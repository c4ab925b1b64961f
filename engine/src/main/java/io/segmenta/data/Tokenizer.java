package io.segmenta.data;

/**
 * Splits bytes into records and fields without making a String per field: RFC 4180 for a separator
 * byte (quotes, doubled quotes, separators and line ends inside quotes), or runs of spaces and tabs
 * for whitespace tables. A line ends at LF, CRLF or a lone CR. Not thread-safe: one per parsing
 * thread.
 *
 * <p>After {@link #next}, field {@code i} is {@code len(i)} bytes of {@code array(i)} from {@code
 * off(i)}: the input itself, or for a quoted field its unescaped copy.
 */
final class Tokenizer {
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L;
  private static final long LF = ONES * '\n', CR = ONES * '\r';
  private final byte sep;
  private final long seps;
  private final boolean whitespace;
  private byte[][] arr = new byte[32][];
  private int[] off = new int[32];
  private int[] len = new int[32];
  private boolean[] quoted = new boolean[32];
  private int n;
  private int lines;
  private boolean openQuote;
  private byte[] scratch = new byte[256];
  private int sLen;

  Tokenizer(byte separator) {
    this.sep = separator;
    this.seps = ONES * (separator & 0xff);
    this.whitespace = separator == 0;
  }

  int count() { return n; }

  byte[] array(int i) { return arr[i]; }

  int off(int i) { return off[i]; }

  int len(int i) { return len[i]; }

  boolean quoted(int i) { return quoted[i]; }

  /** Line ends consumed by the last record: the lines it spans, with its own end. */
  int lines() { return lines; }

  /** Whether the last record reached the end of the input inside a quoted field. */
  boolean openQuote() { return openQuote; }

  /** Whether the last record is a blank line (nothing, or only blanks, or one empty quoted field). */
  boolean blank() {
    if (n == 0) return true;
    if (n > 1) return false;
    byte[] a = arr[0];
    for (int i = off[0], e = off[0] + len[0]; i < e; i++) if ((a[i] & 0xff) > ' ') return false;
    return true;
  }

  /** Parses the record starting at {@code pos}, up to {@code end}; returns where the next one starts. */
  int next(byte[] b, int pos, int end) {
    n = 0;
    lines = 0;
    openQuote = false;
    sLen = 0;
    return whitespace ? nextWhitespace(b, pos, end) : nextSeparated(b, pos, end);
  }

  private int nextSeparated(byte[] b, int pos, int end) {
    final byte s = sep;
    assert s != 0;
    while (true) {
      if (pos < end && b[pos] == '"') {
        pos = quotedField(b, pos + 1, end);
        if (openQuote) return end;
      } else {
        int p = scan(b, pos, end);
        add(b, pos, p - pos, false);
        pos = p;
      }
      if (pos >= end) return end;
      byte c = b[pos];
      if (c == s) {
        pos++;
        if (pos >= end) { // a separator as the input's last byte: an empty last field
          add(b, pos, 0, false);
          return end;
        }
        continue;
      }
      return lineEnd(b, pos, end);
    }
  }

  /** The first separator, CR or LF from {@code p}, or {@code end}: eight bytes at a time (SWAR), then one by one. */
  private int scan(byte[] b, int p, int end) {
    while (p + 8 <= end) {
      long w = (long) LONG.get(b, p);
      long hit = zero(w ^ seps) | zero(w ^ LF) | zero(w ^ CR);
      if (hit != 0) return p + (Long.numberOfTrailingZeros(hit) >>> 3);
      p += 8;
    }
    final byte s = sep;
    while (p < end) {
      byte c = b[p];
      if (c == s || c == '\n' || c == '\r') break;
      p++;
    }
    return p;
  }

  /** The high bit set in the lowest zero byte of {@code v} (bytes above it may be marked too, never below). */
  private static long zero(long v) {
    return (v - ONES) & ~v & HIGHS;
  }

  /** A quoted field from just after its opening quote; text after the closing quote is kept (lenient). */
  private int quotedField(byte[] b, int pos, int end) {
    int start = sLen;
    while (true) {
      if (pos >= end) {
        openQuote = true;
        return end;
      }
      byte c = b[pos];
      if (c == '"') {
        if (pos + 1 < end && b[pos + 1] == '"') {
          put((byte) '"');
          pos += 2;
          continue;
        }
        pos++;
        break;
      }
      if (c == '\n' || (c == '\r' && (pos + 1 >= end || b[pos + 1] != '\n'))) lines++;
      put(c);
      pos++;
    }
    while (pos < end) {
      byte c = b[pos];
      if (c == sep || c == '\n' || c == '\r') break;
      put(c);
      pos++;
    }
    add(scratch, start, sLen - start, true);
    return pos;
  }

  private int nextWhitespace(byte[] b, int pos, int end) {
    while (true) {
      while (pos < end && (b[pos] == ' ' || b[pos] == '\t')) pos++;
      if (pos >= end) return end;
      byte c = b[pos];
      if (c == '\n' || c == '\r') return lineEnd(b, pos, end);
      int p = pos;
      while (p < end) {
        c = b[p];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
        p++;
      }
      add(b, pos, p - pos, false);
      pos = p;
    }
  }

  private int lineEnd(byte[] b, int pos, int end) {
    lines++;
    if (b[pos] == '\r' && pos + 1 < end && b[pos + 1] == '\n') return pos + 2;
    return pos + 1;
  }

  private void put(byte c) {
    if (sLen == scratch.length) {
      // Earlier fields keep pointing at the old array, which is not written again.
      byte[] bigger = new byte[scratch.length * 2];
      System.arraycopy(scratch, 0, bigger, 0, sLen);
      scratch = bigger;
    }
    scratch[sLen++] = c;
  }

  private void add(byte[] a, int o, int l, boolean q) {
    if (n == off.length) {
      int m = n * 2;
      arr = java.util.Arrays.copyOf(arr, m);
      off = java.util.Arrays.copyOf(off, m);
      len = java.util.Arrays.copyOf(len, m);
      quoted = java.util.Arrays.copyOf(quoted, m);
    }
    arr[n] = a;
    off[n] = o;
    len[n] = l;
    quoted[n] = q;
    n++;
  }
}
