package io.segmenta.data.sql;

import io.segmenta.InvalidInputException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How an embedded DuckDB session may use the machine. DuckDB's own defaults do not suit an engine
 * that shares the process with a large off-heap matrix: 80% of RAM, one thread per core, and spill
 * files in {@code .tmp} under the working directory. Every setting is therefore given explicitly.
 *
 * @param tempRoot where the session makes its private directory (spill files, an empty extension
 *     directory), removed when the session closes; default {@code java.io.tmpdir}
 * @param memoryLimitBytes DuckDB's {@code memory_limit}; default 40% of physical memory (at least
 *     256 MiB), leaving the rest to the JVM and the data it reads
 * @param threads DuckDB's {@code threads}; default one per available processor
 */
public record DuckDbSettings(Path tempRoot, long memoryLimitBytes, int threads) {
  private static final long MIN_MEMORY = 256L << 20;

  public DuckDbSettings {
    Objects.requireNonNull(tempRoot, "tempRoot");
    if (memoryLimitBytes < MIN_MEMORY) {
      throw new InvalidInputException("DuckDB memory limit must be at least 256 MiB, got " + memoryLimitBytes + " bytes");
    }
    if (threads < 1) throw new InvalidInputException("DuckDB threads must be >= 1, got " + threads);
  }

  /** The defaults above, for this machine. */
  public static DuckDbSettings defaults() {
    long physical = physicalMemory();
    return new DuckDbSettings(Path.of(System.getProperty("java.io.tmpdir")), Math.max(MIN_MEMORY, physical / 5 * 2),
        Runtime.getRuntime().availableProcessors());
  }

  public DuckDbSettings withThreads(int n) {
    return new DuckDbSettings(tempRoot, memoryLimitBytes, n);
  }

  public DuckDbSettings withTempRoot(Path p) {
    return new DuckDbSettings(p, memoryLimitBytes, threads);
  }

  public DuckDbSettings withMemoryLimitBytes(long b) {
    return new DuckDbSettings(tempRoot, b, threads);
  }

  private static long physicalMemory() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 4L << 30;
  }
}
