package io.segmenta.data;

/** CSV output: one field, quoted only when it must be (RFC 4180). */
public final class Csv {
  private Csv() {}

  public static String field(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
