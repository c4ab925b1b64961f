package io.segmenta.spark;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import io.segmenta.kernels.Backends;
import io.segmenta.kernels.ComputeBackend;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;

/**
 * The compute backends of one JVM (an executor, or the driver in local mode), opened on first use
 * and kept for the JVM's life: opening a GPU context or a thread pool per task would cost more than
 * the step. {@code auto} resolves here, in the executor, so each executor picks its own device (a
 * GPU where Spark gave it one, the CPU elsewhere).
 */
final class ExecutorBackends {
  private static final ConcurrentHashMap<String, ComputeBackend> OPEN = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.values().forEach(ComputeBackend::close),
        "segmenta-backends-close"));
  }

  private ExecutorBackends() {}

  /** This JVM's executor id ("driver" in local mode). */
  static String executorId() {
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return env == null ? "driver" : env.executorId();
  }

  /**
   * The backend for {@code choice}, with as many CPU threads as the task was given cores
   * ({@code spark.task.cpus}; 1 by default): Spark already runs one task per core.
   */
  static ComputeBackend get(String choice) {
    TaskContext tc = TaskContext.get();
    int threads = tc == null ? 0 : Math.max(1, tc.cpus());
    String key = choice + "/" + threads;
    return OPEN.computeIfAbsent(key, k -> Backends.open(BackendChoice.parse(choice), new BackendOptions(threads)));
  }
}
