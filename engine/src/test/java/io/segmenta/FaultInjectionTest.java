package io.segmenta;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.cli.SegmentCli;
import io.segmenta.data.Dataset;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.kernels.GpuKernelException;
import io.segmenta.kernels.gpu.FaultInjection;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import io.segmenta.mixture.GmmParams;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device faults injected into the OpenCL backend's launchers and buffers (PoCL in CI; the CUDA
 * backend calls the same hook): a failed launch and an out-of-memory each end in an error that says
 * what failed, or, with the CPU fallback, in the CPU's answer; a CLI run that hits one writes
 * nothing and leaves the previous outputs.
 */
class FaultInjectionTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty(FaultInjection.PROPERTY);
    FaultInjection.reset();
  }

  static Segmenta openCl(boolean fallback) {
    try {
      return Segmenta.open(new EngineOptions(BackendChoice.OPENCL, 1, fallback));
    } catch (BackendUnavailableException e) {
      if ("1".equals(System.getenv("SEGMENTA_REQUIRE_OPENCL"))) fail("OpenCL is required here: " + e.getMessage());
      Assumptions.abort("skipped: " + e.getMessage());
      return null;
    }
  }

  static Dataset data() {
    float[][] rows = new float[3000][];
    for (int i = 0; i < rows.length; i++) rows[i] = new float[] {i % 3 * 10 + (i % 7) * 0.1f, i % 3 + (i % 5) * 0.1f};
    return Dataset.of(rows);
  }

  static void inject(String spec) {
    FaultInjection.reset();
    System.setProperty(FaultInjection.PROPERTY, spec);
  }

  @Test
  void aFailedLaunchAndAnOutOfMemoryNameWhatFailed() {
    try (Segmenta engine = openCl(false)) {
      inject("launch:kmeans_assign_update:2");
      GpuKernelException e = assertThrows(GpuKernelException.class, () -> engine.kmeans(data(), KMeansParams.builder(3).seed(1).build()));
      assertTrue(e.getMessage().contains("kmeans_assign_update") && e.getMessage().contains("launch failure"), e.getMessage());
      inject("launch:gmm_moments");
      e = assertThrows(GpuKernelException.class, () -> engine.gmm(data(), GmmParams.builder(3).seed(1).build()));
      assertTrue(e.getMessage().contains("gmm_moments"), e.getMessage());
      inject("oom:any:3");
      e = assertThrows(GpuKernelException.class, () -> engine.kmeans(data(), KMeansParams.builder(3).seed(1).build()));
      assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
    }
  }

  @Test
  void withTheFallbackTheRunFinishesOnTheCpuWithTheCpuAnswer() {
    KMeansParams p = KMeansParams.builder(3).seed(1).build();
    KMeansResult cpu;
    try (Segmenta c = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      cpu = c.kmeans(data(), p);
    }
    try (Segmenta engine = openCl(true)) {
      for (String spec : new String[] {"launch:kmeans_assign_update:2", "oom:any:4"}) {
        inject(spec);
        KMeansResult r = engine.kmeans(data(), p);
        assertEquals(BackendKind.CPU, r.backend().kind(), spec);
        assertArrayEquals(cpu.labels(), r.labels(), spec);
      }
    }
  }

  @Test
  void aCliRunThatHitsAFaultWritesNothing() throws Exception {
    Assumptions.assumeTrue(openClAvailable(), "skipped: no OpenCL device");
    Path csv = dir.resolve("x.csv");
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 500; i++) sb.append(i % 3 * 10 + i % 7 * 0.1).append(',').append(i % 5).append('\n');
    Files.writeString(csv, sb);
    Path out = dir.resolve("out");
    String[] args = {"kmeans", "--input", csv.toString(), "--k", "3", "--backend", "opencl", "--out", out.toString(), "--progress", "never"};
    assertEquals(0, run(args, new StringWriter()));
    byte[] before = Files.readAllBytes(out.resolve("assignments.csv"));
    inject("launch:kmeans_assign_update:3");
    StringWriter err = new StringWriter();
    assertEquals(SegmentCli.EXIT_BACKEND, run(args, err));
    assertTrue(err.toString().contains("kmeans_assign_update") && err.toString().contains("--cpu-fallback"), err.toString());
    assertArrayEquals(before, Files.readAllBytes(out.resolve("assignments.csv")), "the previous outputs are intact");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(2, s.count(), "only the input and the output directory: no staging left behind");
    }
  }

  private static boolean openClAvailable() {
    try (Segmenta s = Segmenta.open(new EngineOptions(BackendChoice.OPENCL, 1))) {
      return true;
    } catch (BackendUnavailableException e) {
      if ("1".equals(System.getenv("SEGMENTA_REQUIRE_OPENCL"))) fail("OpenCL is required here: " + e.getMessage());
      return false;
    }
  }

  private static int run(String[] args, StringWriter err) {
    return SegmentCli.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
  }
}
