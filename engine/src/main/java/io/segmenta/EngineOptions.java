package io.segmenta;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import java.util.Objects;

/**
 * How the engine opens its compute backend.
 *
 * @param backend which backend; default {@link BackendChoice#AUTO}
 * @param threads CPU worker threads; default 0 = one per core. Results do not depend on it.
 * @param cpuFallback when a GPU kernel fails in the middle of a run (out of memory, a failed
 *     launch), run it again on the CPU instead of failing; default false (the error names the kernel)
 */
public record EngineOptions(BackendChoice backend, int threads, boolean cpuFallback) {
  public static final EngineOptions DEFAULTS = new EngineOptions(BackendChoice.AUTO, 0, false);

  public EngineOptions(BackendChoice backend, int threads) {
    this(backend, threads, false);
  }

  public EngineOptions {
    Objects.requireNonNull(backend, "backend");
    if (threads < 0) throw new InvalidInputException("threads must be >= 0 (0 = all cores), got " + threads);
  }

  public EngineOptions withBackend(BackendChoice b) {
    return new EngineOptions(b, threads, cpuFallback);
  }

  public EngineOptions withThreads(int t) {
    return new EngineOptions(backend, t, cpuFallback);
  }

  public EngineOptions withCpuFallback(boolean v) {
    return new EngineOptions(backend, threads, v);
  }

  BackendOptions backendOptions() {
    return new BackendOptions(threads);
  }
}
