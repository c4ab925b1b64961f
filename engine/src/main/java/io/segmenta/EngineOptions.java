package io.segmenta;

import io.segmenta.kernels.BackendChoice;
import io.segmenta.kernels.BackendOptions;
import java.util.Objects;

/**
 * How the engine opens its compute backend.
 *
 * @param backend which backend; default {@link BackendChoice#AUTO}
 * @param threads CPU worker threads; default 0 = one per core. Results do not depend on it.
 */
public record EngineOptions(BackendChoice backend, int threads) {
  public static final EngineOptions DEFAULTS = new EngineOptions(BackendChoice.AUTO, 0);

  public EngineOptions {
    Objects.requireNonNull(backend, "backend");
    if (threads < 0) throw new InvalidInputException("threads must be >= 0 (0 = all cores), got " + threads);
  }

  public EngineOptions withBackend(BackendChoice b) {
    return new EngineOptions(b, threads);
  }

  public EngineOptions withThreads(int t) {
    return new EngineOptions(backend, t);
  }

  BackendOptions backendOptions() {
    return new BackendOptions(threads);
  }
}
