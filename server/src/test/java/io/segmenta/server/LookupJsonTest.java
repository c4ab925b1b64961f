package io.segmenta.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The lookup's answer written straight to bytes is, byte for byte, what the ObjectMapper wrote for the
 * ordered map it replaced, for ids and names that need escaping (quotes, backslashes, control
 * characters, non-ASCII, surrogate pairs, U+2028) and for every kind of float; and it reads back as
 * the same values.
 */
class LookupJsonTest {
  private static final ObjectMapper MAPPER = SegmentServer.mapper();

  private static byte[] viaMap(String id, int segment, String name, float distance, long version) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("segment", segment);
    m.put("name", name);
    m.put("distance", distance);
    m.put("version", version);
    return MAPPER.writeValueAsBytes(m);
  }

  private static void same(String id, int segment, String name, float distance, long version) throws Exception {
    byte[] direct = SegmentServer.segmentJson(MAPPER.getFactory(), id, segment, name, distance, version);
    byte[] expected = viaMap(id, segment, name, distance, version);
    assertEquals(new String(expected, StandardCharsets.UTF_8), new String(direct, StandardCharsets.UTF_8), "id " + escaped(id));
    assertArrayEquals(expected, direct);
    JsonNode j = MAPPER.readTree(direct);
    assertEquals(id, j.get("id").asText());
    assertEquals(name, j.get("name").asText());
    assertEquals(segment, j.get("segment").asInt());
    assertEquals(version, j.get("version").asLong());
    if (Float.isFinite(distance)) assertEquals(distance, (float) j.get("distance").asDouble());
  }

  @Test
  void awkwardIdsAndNames() throws Exception {
    List<String> texts = List.of("c1", "", "a\"b", "back\\slash", "\\\"", "tab\there", "new\nline\r", "\u0000\u0001\u001f\u007f", "Zoë-ß",
        "日本語", "emoji \uD83D\uDE00", "line\u2028sep\u2029", "</script>", "{\"id\":\"x\"}", "'single'", "a/b", "\uFEFFbom", "x".repeat(256));
    for (String id : texts) {
      for (String name : List.of("segment 3", "big \"spenders\"", "ünïcödé\n")) same(id, 3, name, 1.25f, 7);
    }
  }

  @Test
  void everyKindOfFloatAndInteger() throws Exception {
    List<Float> floats = new ArrayList<>(List.of(0f, -0f, 1f, 0.1f, 1e-45f, Float.MIN_NORMAL, Float.MAX_VALUE, 3.4028235e38f, 1e7f, 1.0e-3f,
        123456.78f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < 2000; i++) floats.add(Float.intBitsToFloat(r.nextInt()));
    for (int i = 0; i < 2000; i++) floats.add((float) (r.nextDouble() * 50));
    for (float f : floats) same("c" + r.nextInt(1000), r.nextInt(-1, 1000), "segment", f, r.nextLong(1, Long.MAX_VALUE));
    same("c", Integer.MIN_VALUE, "s", 2f, Long.MAX_VALUE);
    same("c", Integer.MAX_VALUE, "s", 2f, 0);
  }

  @Test
  void randomUnicodeStrings() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    for (int n = 0; n < 3000; n++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(0, 40);
      for (int i = 0; i < len; i++) {
        // Mostly the characters JSON escapes or UTF-8 encodes in more than one byte, whole code points only.
        int cp = switch (r.nextInt(5)) {
          case 0 -> r.nextInt(0, 0x80);
          case 1 -> r.nextInt(0x80, 0x800);
          case 2 -> r.nextInt(0x800, 0xD800);
          case 3 -> r.nextInt(0xE000, 0x10000);
          default -> r.nextInt(0x10000, 0x110000);
        };
        b.appendCodePoint(cp);
      }
      same(b.toString(), 1, b.reverse().toString().replaceAll("[\\uD800-\\uDFFF]", "?"), 0.5f, n);
    }
  }

  private static String escaped(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    return b.toString();
  }
}
