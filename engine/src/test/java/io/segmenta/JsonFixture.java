package io.segmenta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader for the reference fixtures (objects, arrays, numbers, strings, booleans,
 * null): objects become maps, arrays lists, numbers doubles.
 */
public final class JsonFixture {
  private final String s;
  private int i;

  private JsonFixture(String s) {
    this.s = s;
  }

  /** Reads a class-path resource next to {@code near}. */
  public static Map<String, Object> load(Class<?> near, String name) {
    try (InputStream in = near.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("fixture " + name + " missing next to " + near.getName());
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) new JsonFixture(new String(in.readAllBytes(), StandardCharsets.UTF_8)).value();
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static double[] doubles(Object o) {
    List<?> l = (List<?>) o;
    double[] out = new double[l.size()];
    for (int j = 0; j < out.length; j++) out[j] = ((Number) l.get(j)).doubleValue();
    return out;
  }

  public static double[][] matrix(Object o) {
    List<?> l = (List<?>) o;
    double[][] out = new double[l.size()][];
    for (int j = 0; j < out.length; j++) out[j] = doubles(l.get(j));
    return out;
  }

  private Object value() {
    skip();
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      skip();
      if (s.charAt(i) == '}') { i++; return m; }
      while (true) {
        skip();
        String key = (String) value();
        skip();
        expect(':');
        m.put(key, value());
        skip();
        if (s.charAt(i) == ',') { i++; continue; }
        expect('}');
        return m;
      }
    }
    if (c == '[') {
      i++;
      List<Object> l = new ArrayList<>();
      skip();
      if (s.charAt(i) == ']') { i++; return l; }
      while (true) {
        l.add(value());
        skip();
        if (s.charAt(i) == ',') { i++; continue; }
        expect(']');
        return l;
      }
    }
    if (c == '"') {
      int end = s.indexOf('"', i + 1);
      String v = s.substring(i + 1, end);
      i = end + 1;
      return v;
    }
    if (s.startsWith("true", i)) { i += 4; return true; }
    if (s.startsWith("false", i)) { i += 5; return false; }
    if (s.startsWith("null", i)) { i += 4; return null; }
    int st = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
    if (st == i) throw new IllegalStateException("unexpected '" + c + "' at " + i);
    return Double.parseDouble(s.substring(st, i));
  }

  private void skip() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }

  private void expect(char c) {
    if (s.charAt(i) != c) throw new IllegalStateException("expected '" + c + "' at " + i + ", found '" + s.charAt(i) + "'");
    i++;
  }
}
