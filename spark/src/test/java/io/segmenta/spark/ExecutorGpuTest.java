package io.segmenta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.kernels.Backends;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * GPUs on executors: a task's Spark {@code gpu} address becomes the CUDA ordinal that {@code auto}
 * asks for; without that device (here: no CUDA driver at all) auto runs on the CPU and says why,
 * and without a gpu resource (a real local Spark task) it never asks for one.
 */
class ExecutorGpuTest {

  @Test
  void gpuAddressesAreCudaOrdinals() {
    assertEquals(3, ExecutorBackends.gpuOrdinal(new String[] {"3"}));
    assertEquals(0, ExecutorBackends.gpuOrdinal(new String[] {" 0 ", "1"}), "the first of several");
    assertEquals(-1, ExecutorBackends.gpuOrdinal(new String[0]));
    assertEquals(-1, ExecutorBackends.gpuOrdinal((String[]) null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExecutorBackends.gpuOrdinal(new String[] {"GPU-1a2b"}));
    assertTrue(e.getMessage().contains("'gpu'") && e.getMessage().contains("'GPU-1a2b'") && e.getMessage().contains("integer >= 0"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ExecutorBackends.gpuOrdinal(new String[] {"-2"}));
    IllegalArgumentException o = assertThrows(IllegalArgumentException.class, () -> new BackendOptions(1, -2));
    assertTrue(o.getMessage().contains("device"), o.getMessage());
  }

  @Test
  void autoAsksCudaForTheTasksOrdinalAndFallsToTheCpuSayingWhy() {
    // This machine has no NVIDIA driver: the CUDA probe for device 3 fails (a LinkageError inside JCuda, caught).
    ExecutorBackends.Opened o = ExecutorBackends.open(BackendChoice.AUTO, 1, 3);
    System.out.println("fallback: " + o.fallback());
    assertEquals(BackendKind.CPU, o.backend().info().kind());
    assertTrue(o.fallback().contains("GPU 3") && o.fallback().contains("cuda (device 3)"), o.fallback());
    assertTrue(o.fallback().contains("driver"), "the reason should say the CUDA driver is missing: " + o.fallback());
    // Asked for explicitly, the same device fails instead of falling back.
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> Backends.open(BackendChoice.CUDA, new BackendOptions(1, 3)));
    assertTrue(e.getMessage().contains("cuda"), e.getMessage());
    // Without a GPU from Spark nothing is said: there was no GPU to fall back from.
    assertEquals("", ExecutorBackends.open(BackendChoice.AUTO, 1, -1).fallback());
  }

  @Test
  void aLocalSparkTaskWithoutAGpuResourceRunsOnTheCpu() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
    List<String> seen = jsc.parallelize(List.of(1, 2), 2).map(i -> {
      org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
      return ExecutorBackends.gpuOrdinal(tc) + " " + ExecutorBackends.get("auto").info().kind();
    }).collect();
    assertEquals(List.of("-1 CPU", "-1 CPU"), seen);
  }
}
