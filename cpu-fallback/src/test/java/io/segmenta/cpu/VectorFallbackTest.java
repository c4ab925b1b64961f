package io.segmenta.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without {@code jdk.incubator.vector} the CPU backend runs the scalar path and says why, once. */
class VectorFallbackTest {

  @Test
  void missingVectorModuleFallsBackToScalarAndLogsWhy() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Deliberately no --add-modules jdk.incubator.vector.
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        FallbackProbeMain.class.getName())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("backend=cpu-scalar"), out);
    assertTrue(out.contains("falls back to the scalar path") && out.contains("jdk.incubator.vector"), out);
    assertEquals(1, out.split("falls back to the scalar path", -1).length - 1, "logged once: " + out);
  }

  @Test
  void thisJvmHasTheVectorPath() {
    // The build runs tests with --add-modules jdk.incubator.vector; if that ever stops, say so loudly.
    assertEquals(null, CpuBackendProvider.vectorFallbackReason());
  }
}
