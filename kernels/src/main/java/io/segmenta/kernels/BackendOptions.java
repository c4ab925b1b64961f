package io.segmenta.kernels;

/**
 * Options for opening a backend.
 *
 * @param threads worker threads for CPU backends; 0 (the default) means one per available core.
 *     Results do not depend on it: work is cut into fixed chunks and reduced in chunk order.
 */
public record BackendOptions(int threads) {
  public static final BackendOptions DEFAULTS = new BackendOptions(0);

  public BackendOptions {
    if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
  }

  /** The thread count to use: {@link #threads()} or the number of available processors. */
  public int effectiveThreads() {
    return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
  }
}
