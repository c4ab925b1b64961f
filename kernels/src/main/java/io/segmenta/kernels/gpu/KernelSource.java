package io.segmenta.kernels.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel text of a module, {@code src/main/gpu/NAME.cu} on the class path: the one source that
 * nvcc compiles into {@code NAME.fatbin} and the OpenCL driver builds at open. OpenCL gets no
 * include path, so each {@code #include "FILE"} line of the module is replaced by that file (its
 * sibling on the class path), as nvcc would include it.
 */
public final class KernelSource {
  /** Where the kernel files lie on the class path. */
  public static final String FOLDER = "/io/segmenta/kernels/gpu/";
  private static final Pattern INCLUDE = Pattern.compile("^#include \"([^\"]+)\"$", Pattern.MULTILINE);

  private KernelSource() {}

  /** The module's files in the order the text holds them: its included headers, then NAME.cu itself. */
  public static List<String> files(String module) {
    List<String> out = new ArrayList<>();
    Matcher m = INCLUDE.matcher(read(module + ".cu"));
    while (m.find()) out.add(m.group(1));
    out.add(module + ".cu");
    return out;
  }

  /** The text the OpenCL program is built from: NAME.cu with its includes inlined. */
  public static String text(String module) {
    Matcher m = INCLUDE.matcher(read(module + ".cu"));
    StringBuilder sb = new StringBuilder();
    while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(read(m.group(1))));
    m.appendTail(sb);
    return sb.toString();
  }

  /** A kernel file's bytes as UTF-8 text. */
  public static String read(String file) {
    try (InputStream in = KernelSource.class.getResourceAsStream(FOLDER + file)) {
      if (in == null) throw new IllegalStateException("kernel source missing from the class path: " + FOLDER + file);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
