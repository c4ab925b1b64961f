package io.segmenta.kernels.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * How a K-Means step walks the rows: one chunk when the data is resident on the device, or chunks
 * of {@code chunkRows} rows streamed through it when the data does not fit. Each chunk has its own
 * update partitions; all partitions of all chunks write their partial records to one array, in row
 * order, which the reduction kernel sums in order: the result does not depend on the chunking
 * beyond the fixed partition boundaries.
 */
public final class ChunkPlan {
  /** One chunk: rows [start, start + rows), its partitions from {@code partBase}. */
  public record Chunk(long start, int rows, StepLayout layout, int partBase) {}

  public final List<Chunk> chunks;
  public final int totalParts;
  public final int stride;

  public ChunkPlan(long n, int k, int d, int chunkRows, int maxPartsPerChunk) {
    if (chunkRows < 1) throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
    List<Chunk> list = new ArrayList<>();
    int parts = 0;
    for (long s = 0; s < n; s += chunkRows) {
      int rows = (int) Math.min(chunkRows, n - s);
      StepLayout l = new StepLayout(rows, k, d, maxPartsPerChunk);
      list.add(new Chunk(s, rows, l, parts));
      parts = Math.addExact(parts, l.parts);
    }
    this.chunks = List.copyOf(list);
    this.totalParts = parts;
    this.stride = k * (d + 2) + 1;
  }

  /**
   * Rows per streamed chunk for a device memory budget: the chunk's column-major values and its
   * transfer buffers, at least 1024 rows.
   */
  public static int chunkRowsFor(long budgetBytes, int d) {
    long rows = budgetBytes / ((long) d * Float.BYTES * 2);
    return (int) Math.max(1024, Math.min(Integer.MAX_VALUE / 2, rows / 1024 * 1024));
  }
}
