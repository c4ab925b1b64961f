package io.segmenta.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.kernels.JvmFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's pre-compiled Chronicle classes ({@link ChronicleClasses}) are the ones a fresh JVM uses: no javac at run time. */
class ChronicleClassesTest {
  /** A fresh JVM's store round trip: written, committed, opened and read. */
  public static final class RoundTrip {
    public static void main(String[] args) {
      Path dir = Path.of(args[0]);
      try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, List.of("a", "b"), true, false, "round trip")) {
        for (int r = 0; r < 100; r++) w.append("c" + r, new float[] {r, -r});
        w.commit().close();
      }
      try (FeatureStore s = FeatureStore.open(dir)) {
        if (s.rows() != 100 || s.rowOf("c42") != 42) throw new AssertionError("store read back wrong");
      }
      System.out.println("round trip ok");
    }
  }

  @Test
  void aFreshJvmWritesAndOpensAStoreWithoutCompilingAnything(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("classes.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JvmFlags.all());
    cmd.add("-Xlog:class+load=info:file=" + log);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RoundTrip.class.getName(), tmp.resolve("store").toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("round trip ok"), out);

    String header = ChronicleClasses.nativeClassName(Class.forName(ChronicleClasses.VALUE_INTERFACES.get(0)));
    List<String> lines = Files.readAllLines(log);
    String loaded = lines.stream().filter(l -> l.contains(" " + header + " ")).findFirst().orElseThrow(() -> new AssertionError(header + " never loaded"));
    // From a class file on the class path ("source: file:..."), not defined from bytes compiled in the process.
    assertTrue(loaded.contains("source: file:"), loaded);
    // Chronicle's compiler utilities look javac up (a handful of javax.tools classes); compiling would load its body.
    assertFalse(lines.stream().anyMatch(l -> l.contains("com.sun.tools.javac.comp.") || l.contains("com.sun.tools.javac.main.JavaCompiler ")),
        "javac compiled a class at run time");
  }

  @Test
  void theShippedClassIsChronicleValuesOwnGeneratedCode() throws Exception {
    Class<?> type = Class.forName(ChronicleClasses.VALUE_INTERFACES.get(0));
    String name = ChronicleClasses.nativeClassName(type);
    assertEquals("net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native", name);
    Class<?> shipped = Class.forName(name);
    assertTrue(type.isAssignableFrom(shipped));
    // Every accessor of the interface is implemented by the generated source the build compiled.
    String source = ChronicleClasses.nativeSource(type);
    for (var m : type.getMethods()) {
      if (!m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == type) assertTrue(source.contains(" " + m.getName() + "("), m.getName());
    }
    assertTrue(source.contains("class VanillaGlobalMutableState$$Native"), source.substring(0, 200));
  }
}
