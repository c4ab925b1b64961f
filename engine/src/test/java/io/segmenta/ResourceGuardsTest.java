package io.segmenta;

import static org.junit.jupiter.api.Assertions.*;

import io.segmenta.data.Dataset;
import io.segmenta.hierarchy.Hierarchical;
import io.segmenta.hierarchy.Linkage;
import io.segmenta.kernels.Assignments;
import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.KMeansStepResult;
import io.segmenta.kernels.ResourceLimitException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Requests whose memory would exceed the JVM's or the device's are refused before allocating, with the estimate and the alternative. */
class ResourceGuardsTest {

  static Dataset rows(int n, int d) {
    return Dataset.ofRowMajor(new float[n * d], n, d);
  }

  @Test
  void exactHierarchicalClusteringOfAMillionRows() {
    Dataset big = rows(1_000_000, 2);
    InvalidInputException limit = assertThrows(InvalidInputException.class, () -> Hierarchical.linkage(big, Linkage.AVERAGE));
    assertTrue(limit.getMessage().contains("two-stage") && limit.getMessage().contains("4000.0 GB"), limit.getMessage());
    // Even with the row limit lifted, the distance matrix is refused before it is allocated.
    ResourceLimitException heap = assertThrows(ResourceLimitException.class, () -> Hierarchical.linkage(big, Linkage.COMPLETE, 2_000_000));
    assertTrue(heap.getMessage().contains("needs about") && heap.getMessage().contains("-Xmx") && heap.getMessage().contains("two-stage"),
        heap.getMessage());
  }

  @Test
  void exactSilhouetteOfTenMillionRows() {
    int n = 10_000_000;
    Dataset big = rows(n, 1);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = i & 1;
    try (Segmenta engine = Segmenta.open(new EngineOptions(BackendChoice.CPU, 1))) {
      ResourceLimitException e = assertThrows(ResourceLimitException.class, () -> engine.silhouette(big, labels));
      assertTrue(e.getMessage().contains("1.0e+14") && e.getMessage().contains("sampled silhouette"), e.getMessage());
      assertTrue(engine.silhouette(big, labels, 2000, 1) > -1, "the alternative it names works");
    }
  }

  @Test
  void kTimesDBeyondTheDevice() {
    ComputeBackend be;
    try {
      be = Backends.open(BackendChoice.OPENCL, BackendOptions.DEFAULTS);
    } catch (BackendUnavailableException e) {
      if ("1".equals(System.getenv("SEGMENTA_REQUIRE_OPENCL"))) fail("OpenCL is required here: " + e.getMessage());
      Assumptions.abort("skipped: " + e.getMessage());
      return;
    }
    int n = 4096, d = 2500, k = 20_000;
    // 6.4 GB of partial sums. PoCL's own limit moves with the host's free memory (4 to 8 GiB seen on
    // one machine), so the test caps the device at 2 GiB instead of relying on it.
    System.setProperty(ResourceLimitException.DEVICE_MEMORY_CAP, Long.toString(2L << 30));
    try (be; DeviceMatrix x = be.upload(HostMatrix.ofRowMajor(new float[n * d], n, d), null); Assignments a = be.newAssignments(n)) {
      ResourceLimitException e = assertThrows(ResourceLimitException.class,
          () -> be.kmeansStep(x, new double[k * d], k, a, new KMeansStepResult(1, 1)));
      assertTrue(e.getMessage().contains("k = 20000 and d = 2500") && e.getMessage().contains("device memory")
          && e.getMessage().contains("2.0 GB") && e.getMessage().contains("--backend cpu"), e.getMessage());
    } finally {
      System.clearProperty(ResourceLimitException.DEVICE_MEMORY_CAP);
    }
  }
}
