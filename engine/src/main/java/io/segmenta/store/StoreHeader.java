package io.segmenta.store;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parsed {@code store.json}. */
record StoreHeader(int version, long rows, int cols, List<String> columns, long matrixBytes, long matrixCrc, long idBytes,
                   long idCrc, String created, String source) {

  String toJson() {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append("  \"format\": \"segmenta-feature-store\",\n");
    sb.append("  \"version\": ").append(version).append(",\n");
    sb.append("  \"rows\": ").append(rows).append(",\n");
    sb.append("  \"cols\": ").append(cols).append(",\n");
    sb.append("  \"columns\": [");
    for (int i = 0; i < columns.size(); i++) sb.append(i == 0 ? "" : ", ").append(quote(columns.get(i)));
    sb.append("],\n");
    sb.append("  \"matrix_bytes\": ").append(matrixBytes).append(",\n");
    sb.append("  \"matrix_crc32c\": ").append(matrixCrc).append(",\n");
    sb.append("  \"id_bytes\": ").append(idBytes).append(",\n");
    sb.append("  \"id_crc32c\": ").append(idCrc).append(",\n");
    sb.append("  \"created\": ").append(quote(created)).append(",\n");
    sb.append("  \"source\": ").append(quote(source)).append("\n}\n");
    return sb.toString();
  }

  static StoreHeader parse(String json, String where) {
    try {
      return new StoreHeader((int) num(json, "version"), num(json, "rows"), (int) num(json, "cols"), strings(json, "columns"),
          num(json, "matrix_bytes"), num(json, "matrix_crc32c"), num(json, "id_bytes"), num(json, "id_crc32c"),
          string(json, "created"), string(json, "source"));
    } catch (RuntimeException e) {
      throw new StoreException(where + " is corrupt: cannot read its header: " + e.getMessage(), e);
    }
  }

  private static long num(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\\s*(-?\\d+)").matcher(json);
    if (!m.find()) throw new IllegalArgumentException("no '" + key + "'");
    return Long.parseLong(m.group(1));
  }

  private static String string(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    if (!m.find()) throw new IllegalArgumentException("no '" + key + "'");
    return unquote(m.group(1));
  }

  private static List<String> strings(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\\s*\\[(.*?)\\]", Pattern.DOTALL).matcher(json);
    if (!m.find()) throw new IllegalArgumentException("no '" + key + "'");
    List<String> out = new ArrayList<>();
    Matcher s = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(m.group(1));
    while (s.find()) out.add(unquote(s.group(1)));
    return out;
  }

  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '\t' -> q.append("\\t");
        default -> {
          if (c < 0x20) q.append(String.format("\\u%04x", (int) c));
          else q.append(c);
        }
      }
    }
    return q.append('"').toString();
  }

  private static String unquote(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        out.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(e);
      }
    }
    return out.toString();
  }
}
