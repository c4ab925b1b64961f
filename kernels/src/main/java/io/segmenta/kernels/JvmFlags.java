package io.segmenta.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JVM flags the project needs, as declared once in the parent pom ({@code segmenta.jvm.flags})
 * and written by the build into the {@code segmenta-jvm.args} resource. Forked JVMs (JMH, child
 * processes in tests) take them from here rather than repeating them.
 */
public final class JvmFlags {
  private JvmFlags() {}

  /** The flags, one element each. */
  public static List<String> all() {
    try (InputStream in = JvmFlags.class.getResourceAsStream("/segmenta-jvm.args")) {
      if (in == null) throw new IllegalStateException("segmenta-jvm.args is missing from the class path");
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return List.of(text.split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
