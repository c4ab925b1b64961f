package io.segmenta.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A float32 row-major matrix in host memory: a heap array, off-heap memory or a mapped file.
 *
 * <p>Backed by a {@link MemorySegment} so that one type covers arrays and mapped stores larger than
 * 2 GB. Row {@code i}, column {@code j} sits at byte {@code 4 * (i * d + j)}. Immutable view: the
 * backends only read it.
 */
public final class HostMatrix {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final MemorySegment data;
  private final long n;
  private final int d;

  private HostMatrix(MemorySegment data, long n, int d) {
    this.data = data;
    this.n = n;
    this.d = d;
  }

  /** Wraps a segment of at least {@code n * d} floats. */
  public static HostMatrix of(MemorySegment data, long n, int d) {
    Objects.requireNonNull(data, "data");
    if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
    if (d < 1) throw new IllegalArgumentException("d must be >= 1, got " + d);
    long need = Math.multiplyExact(Math.multiplyExact(n, (long) d), Float.BYTES);
    if (data.byteSize() < need) {
      throw new IllegalArgumentException(
          "segment holds " + data.byteSize() + " bytes, a " + n + " x " + d + " float32 matrix needs " + need);
    }
    return new HostMatrix(data, n, d);
  }

  /** Wraps a row-major array of {@code n * d} floats (no copy). */
  public static HostMatrix ofRowMajor(float[] rowMajor, int n, int d) {
    if ((long) n * d != rowMajor.length) {
      throw new IllegalArgumentException("array length " + rowMajor.length + " != n * d = " + (long) n * d);
    }
    return new HostMatrix(MemorySegment.ofArray(rowMajor), n, d);
  }

  /** Copies rows of equal length into a new row-major matrix. */
  public static HostMatrix copyOf(float[][] rows) {
    if (rows.length == 0) throw new IllegalArgumentException("no rows");
    int d = rows[0].length;
    float[] flat = new float[Math.multiplyExact(rows.length, d)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " columns, row 0 has " + d);
      }
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    return ofRowMajor(flat, rows.length, d);
  }

  public long rows() { return n; }

  public int cols() { return d; }

  public MemorySegment segment() { return data; }

  public float get(long i, int j) {
    return data.getAtIndex(F32, i * d + j);
  }

  /** Copies row {@code i} into {@code dst[off .. off + d)}. */
  public void copyRow(long i, float[] dst, int off) {
    MemorySegment.copy(data, F32, i * d * Float.BYTES, dst, off, d);
  }

  /** Copies rows {@code [from, from + count)} into {@code dst}, row-major, from {@code off}. */
  public void copyRows(long from, int count, float[] dst, int off) {
    MemorySegment.copy(data, F32, from * d * Float.BYTES, dst, off, Math.multiplyExact(count, d));
  }

  /** A view of rows {@code [from, from + count)}. */
  public HostMatrix slice(long from, long count) {
    if (from < 0 || count < 0 || from + count > n) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + count) + ") of " + n);
    }
    return new HostMatrix(data.asSlice(from * d * Float.BYTES, count * d * Float.BYTES), count, d);
  }

  /**
   * Column means in float64, summed in row order. Backends centre the data on them at upload, the
   * guard against float32 cancellation in ||x||^2 - 2x.c + ||c||^2.
   */
  public double[] columnMeans() {
    double[] sum = new double[d];
    // Blocks of at most 64K values, no larger than the matrix: a one-row predict must not allocate 256 KB.
    int block = (int) Math.max(1, Math.min(n, (1 << 16) / d));
    float[] buf = new float[block * d];
    for (long r0 = 0; r0 < n; r0 += block) {
      int rows = (int) Math.min(block, n - r0);
      copyRows(r0, rows, buf, 0); // one bulk copy per block, not one call per row
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) sum[j] += buf[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) sum[j] = n == 0 ? 0 : sum[j] / n;
    return sum;
  }
}
