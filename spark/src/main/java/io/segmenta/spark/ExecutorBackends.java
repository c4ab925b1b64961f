package io.segmenta.spark;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The compute backends of one JVM (an executor, or the driver in local mode), opened on first use
 * and kept for the JVM's life: opening a GPU context or a thread pool per task would cost more than
 * the step. {@code auto} resolves here, in the executor, so each executor picks its own device: the
 * GPU that Spark's resource scheduling gave the task ({@code spark.task.resource.gpu.amount}; the
 * task's {@code gpu} address is the CUDA ordinal), the CPU where it gave none or the GPU cannot be
 * opened (no driver, no such device; the reason is logged once per device).
 */
final class ExecutorBackends {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecutorBackends.class);
  private static final ConcurrentHashMap<String, Opened> OPEN = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.values().forEach(o -> o.backend().close()),
        "segmenta-backends-close"));
  }

  private ExecutorBackends() {}

  /**
   * An open backend and, where Spark gave the task a GPU that {@code auto} could not use, why
   * (empty otherwise).
   */
  record Opened(ComputeBackend backend, int gpu, String fallback) {}

  /** This JVM's executor id ("driver" in local mode). */
  static String executorId() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return env == null ? "driver" : env.executorId();
  }

  /**
   * The backend for {@code choice}, with as many CPU threads as the task was given cores
   * ({@code spark.task.cpus}; 1 by default: Spark already runs one task per core) and, for {@code
   * auto} and {@code cuda}, the task's GPU.
   */
  static ComputeBackend get(String choice) {
    TaskContext tc = TaskContext.get();
    int threads = tc == null ? 0 : Math.max(1, tc.cpus());
    BackendChoice c = BackendChoice.parse(choice);
    int gpu = c == BackendChoice.AUTO || c == BackendChoice.CUDA ? gpuOrdinal(tc) : -1;
    return open(c, threads, gpu).backend();
  }

  /** Opens (once per JVM) the backend for {@code choice} with these threads on GPU ordinal {@code gpu} (-1: none given). */
  static Opened open(BackendChoice choice, int threads, int gpu) {
    return OPEN.computeIfAbsent(choice.label() + "/" + threads + "/" + gpu, k -> {
      List<String> passed = new ArrayList<>();
      ComputeBackend b = Backends.open(choice, new BackendOptions(threads, gpu), passed::add);
      boolean onGpu = b.info().kind() == BackendKind.CUDA || b.info().kind() == BackendKind.OPENCL;
      String fallback = "";
      if (gpu >= 0 && !onGpu) {
        fallback = "executor " + executorId() + ": Spark gave the task GPU " + gpu + ", backend auto runs on "
            + b.info().name() + " instead: " + String.join("; ", passed);
        LOG.warn(fallback);
      }
      return new Opened(b, gpu, fallback);
    });
  }

  /** The task's GPU from Spark's resource scheduling, or -1 outside a task or without a {@code gpu} resource. */
  static int gpuOrdinal(TaskContext tc) {
    if (tc == null) return -1;
    scala.Option<ResourceInformation> gpu = tc.resources().get("gpu");
    return gpu.isDefined() ? gpuOrdinal(gpu.get().addresses()) : -1;
  }

  /**
   * The first of a task's {@code gpu} addresses as a CUDA device ordinal (a task normally gets one,
   * {@code spark.task.resource.gpu.amount=1}), or -1 for none.
   */
  static int gpuOrdinal(String[] addresses) {
    if (addresses == null || addresses.length == 0) return -1;
    String a = addresses[0].strip();
    int ordinal;
    try {
      ordinal = Integer.parseInt(a);
    } catch (NumberFormatException e) {
      ordinal = -1;
    }
    if (ordinal < 0) {
      throw new IllegalArgumentException("Spark resource 'gpu': address '" + addresses[0] + "' is not a CUDA device ordinal "
          + "(an integer >= 0); the discovery script (spark.executor.resource.gpu.discoveryScript) must print ordinals, "
          + "as nvidia-smi --query-gpu=index does");
    }
    return ordinal;
  }
}
