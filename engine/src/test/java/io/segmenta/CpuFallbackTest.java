package io.segmenta;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.data.Dataset;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendInfo;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.GmmComponents;
import io.segmenta.kernels.GmmStepResult;
import io.segmenta.kernels.GpuKernelException;
import io.segmenta.mixture.GmmParams;
import io.segmenta.mixture.GmmResult;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.kmeans.KMeansParams;
import io.segmenta.kmeans.KMeansResult;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The retry-on-CPU option. A device failure cannot be provoked on demand, so a backend that fails
 * its third step (as a GPU out of memory would) stands in for one; it only injects the failure.
 */
class CpuFallbackTest {

  /** Delegates to the CPU backend but reports itself as a GPU and fails on the third step. */
  static final class FailingDevice implements ComputeBackend {
    final ComputeBackend inner = Backends.open(BackendChoice.CPU, new BackendOptions(1));
    final AtomicInteger steps = new AtomicInteger();

    @Override public BackendInfo info() { return new BackendInfo("failing-device", BackendKind.OPENCL, "test device", 1); }
    @Override public DeviceMatrix upload(HostMatrix x, float[] w) { return inner.upload(x, w); }
    @Override public Assignments newAssignments(long rows) { return inner.newAssignments(rows); }
    @Override public void kmeansStep(DeviceMatrix x, double[] c, int k, Assignments out, KMeansStepResult r) {
      if (steps.incrementAndGet() == 3) throw new GpuKernelException("OpenCL kernel kmeans_partials failed: CL_OUT_OF_RESOURCES", null);
      inner.kmeansStep(x, c, k, out, r);
    }
    @Override public void pairwiseSquaredDistances(DeviceMatrix x, long from, int count, double[] c, int m, float[] out) {
      inner.pairwiseSquaredDistances(x, from, count, c, m, out);
    }
    @Override public void gmmStep(DeviceMatrix x, GmmComponents g, GmmStepResult out) {
      if (steps.incrementAndGet() == 3) throw new GpuKernelException("OpenCL kernel gmm_moments failed: CL_OUT_OF_RESOURCES", null);
      inner.gmmStep(x, g, out);
    }
    @Override public void gmmLogDensities(DeviceMatrix x, long from, int count, GmmComponents g, double[] out) {
      inner.gmmLogDensities(x, from, count, g, out);
    }
    @Override public void close() { inner.close(); }
  }

  private static Dataset data() {
    float[][] rows = new float[300][];
    for (int i = 0; i < 300; i++) rows[i] = new float[] {i % 3 * 10 + i * 0.001f, i % 3};
    return Dataset.of(rows);
  }

  @Test
  void withoutTheOptionTheErrorNamesTheKernel() {
    try (Segmenta engine = new Segmenta(new FailingDevice(), EngineOptions.DEFAULTS)) {
      GpuKernelException e = assertThrows(GpuKernelException.class, () -> engine.kmeans(data(), KMeansParams.builder(3).seed(1).build()));
      assertTrue(e.getMessage().contains("kmeans_partials"), e.getMessage());
    }
  }

  @Test
  void withTheOptionTheRunFinishesOnTheCpuWithTheCpuAnswer() {
    KMeansParams p = KMeansParams.builder(3).seed(1).build();
    KMeansResult onCpu;
    try (Segmenta cpu = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      onCpu = cpu.kmeans(data(), p);
    }
    try (Segmenta engine = new Segmenta(new FailingDevice(), EngineOptions.DEFAULTS.withCpuFallback(true))) {
      KMeansResult r = engine.kmeans(data(), p);
      assertEquals(BackendKind.CPU, r.backend().kind(), "the result says where it was computed");
      assertArrayEquals(onCpu.labels(), r.labels());
      assertEquals(onCpu.model().inertia(), r.model().inertia());
    }
  }

  @Test
  void aMixtureFitFallsBackTooAndGivesTheCpuAnswer() {
    GmmParams p = GmmParams.builder(3).seed(1).build();
    GmmResult onCpu;
    try (Segmenta cpu = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      onCpu = cpu.gmm(data(), p);
    }
    try (Segmenta engine = new Segmenta(new FailingDevice(), EngineOptions.DEFAULTS)) {
      // K-Means initialisation takes the first steps; the EM's own pass fails later on.
      GpuKernelException e = assertThrows(GpuKernelException.class, () -> engine.gmm(data(), p));
      assertTrue(e.getMessage().contains("kmeans_partials") || e.getMessage().contains("gmm_moments"), e.getMessage());
    }
    try (Segmenta engine = new Segmenta(new FailingDevice(), EngineOptions.DEFAULTS.withCpuFallback(true))) {
      GmmResult r = engine.gmm(data(), p);
      assertEquals(BackendKind.CPU, r.backend().kind());
      assertArrayEquals(onCpu.labels(), r.labels());
      assertEquals(onCpu.model().lowerBound(), r.model().lowerBound());
    }
  }
}
