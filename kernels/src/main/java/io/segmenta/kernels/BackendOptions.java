package io.segmenta.kernels;

/**
 * Options for opening a backend.
 *
 * @param threads worker threads for CPU backends; 0 (the default) means one per available core.
 *     Results do not depend on it: work is cut into fixed chunks and reduced in chunk order.
 * @param device the GPU device ordinal to open (CUDA's numbering; what a cluster scheduler such as
 *     Spark's resource scheduling assigns a task), or -1 (the default) for the first device. Under
 *     {@code auto} a device that is not there passes the choice on to the next backend. OpenCL,
 *     whose numbering differs, ignores it and opens its first GPU.
 */
public record BackendOptions(int threads, int device) {
  public static final BackendOptions DEFAULTS = new BackendOptions(0, -1);

  public BackendOptions {
    if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
    if (device < -1) throw new IllegalArgumentException("device must be a GPU ordinal >= 0, or -1 for the first device, got " + device);
  }

  /** These threads on the first device. */
  public BackendOptions(int threads) {
    this(threads, -1);
  }

  /** The thread count to use: {@link #threads()} or the number of available processors. */
  public int effectiveThreads() {
    return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
  }

  /** The device ordinal to open: {@link #device()}, or 0 when none was given. */
  public int deviceOrdinal() {
    return device < 0 ? 0 : device;
  }
}
