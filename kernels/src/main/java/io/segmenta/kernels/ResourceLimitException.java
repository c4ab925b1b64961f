package io.segmenta.kernels;

import java.util.Locale;

/**
 * A request refused before anything was allocated, because its memory would exceed what the JVM or
 * the device has. The message gives the estimate, what is available, and the alternative.
 */
public final class ResourceLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ResourceLimitException(String message) {
    super(message);
  }

  /** Refuses {@code what} when {@code bytes} exceeds the JVM heap that is still free (after a GC-free estimate). */
  public static void checkHeap(String what, long bytes, String alternative) {
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (bytes > free) {
      throw new ResourceLimitException(what + " needs about " + gb(bytes) + " of heap; the JVM has " + gb(free) + " free of its "
          + gb(rt.maxMemory()) + " maximum (-Xmx). " + alternative);
    }
  }

  /**
   * The system property that caps the device memory one buffer of a step may take, below what the
   * device reports: for a GPU shared with other work, and for tests, whose OpenCL device (PoCL)
   * reports a limit that moves with the host's free memory.
   */
  public static final String DEVICE_MEMORY_CAP = "segmenta.device.memoryBytes";

  /**
   * Refuses {@code what} when {@code bytes} exceeds {@code available} bytes of device memory (or the
   * cap set with {@value #DEVICE_MEMORY_CAP}, when lower).
   */
  public static void checkDevice(String what, long bytes, long available, String device, String alternative) {
    long cap = Long.parseLong(System.getProperty(DEVICE_MEMORY_CAP, "" + Long.MAX_VALUE).strip());
    if (cap < available) {
      available = cap;
      device = device + ", capped by -D" + DEVICE_MEMORY_CAP + ",";
    }
    if (bytes > available) {
      throw new ResourceLimitException(what + " needs about " + gb(bytes) + " of device memory; " + device + " has " + gb(available)
          + ". " + alternative);
    }
  }

  static String gb(long bytes) {
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
  }
}
