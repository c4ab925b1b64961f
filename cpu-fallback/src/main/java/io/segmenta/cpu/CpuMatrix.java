package io.segmenta.cpu;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;

/**
 * Data of the CPU backend and the column means it is centred on. Resident: every chunk packed once
 * at upload. Streamed: when the packed copy would not fit the memory budget (a feature store larger
 * than the heap), chunks are packed from the mapped host matrix as each pass reaches them, so memory
 * stays bounded at the cost of repacking every pass.
 */
final class CpuMatrix implements DeviceMatrix {
  private final CpuBackend owner;
  private volatile CpuChunk[] chunks;
  private final HostMatrix source;
  private final float[] weights;
  private final CpuKernels kernels;
  private final int chunkCount;
  private final long rows;
  private final int cols;
  private final double[] mean;
  private final boolean weighted;
  private volatile boolean closed;

  /** Resident data. */
  CpuMatrix(CpuBackend owner, CpuChunk[] chunks, long rows, int cols, double[] mean, boolean weighted) {
    this.owner = owner;
    this.chunks = chunks;
    this.source = null;
    this.weights = null;
    this.kernels = null;
    this.chunkCount = chunks.length;
    this.rows = rows;
    this.cols = cols;
    this.mean = mean;
    this.weighted = weighted;
  }

  /** Streamed data: {@code source} must stay valid (mapped) while this matrix is used. */
  CpuMatrix(CpuBackend owner, CpuKernels kernels, HostMatrix source, float[] weights, double[] mean) {
    this.owner = owner;
    this.chunks = null;
    this.source = source;
    this.weights = weights;
    this.kernels = kernels;
    this.rows = source.rows();
    this.cols = source.cols();
    this.chunkCount = Math.toIntExact((rows + CpuBackend.CHUNK_ROWS - 1) / CpuBackend.CHUNK_ROWS);
    this.mean = mean;
    this.weighted = weights != null;
  }

  int chunkCount() {
    if (closed) throw new IllegalStateException("matrix is closed");
    return chunkCount;
  }

  /** Chunk {@code i}: the resident one, or freshly packed from the source. */
  CpuChunk chunk(int i) {
    CpuChunk[] c = chunks;
    if (c != null) return c[i];
    if (closed) throw new IllegalStateException("matrix is closed");
    long from = (long) i * CpuBackend.CHUNK_ROWS;
    int n = (int) Math.min(CpuBackend.CHUNK_ROWS, rows - from);
    float[] w = null;
    if (weights != null) {
      w = new float[n];
      System.arraycopy(weights, (int) from, w, 0, n);
    }
    return kernels.pack(source, from, n, mean, w);
  }

  /** Rows in chunk {@code i}, without packing it. */
  int chunkRows(int i) {
    return (int) Math.min(CpuBackend.CHUNK_ROWS, rows - (long) i * CpuBackend.CHUNK_ROWS);
  }

  /** The float64 weighted sum of squared centred norms, cached; NaN until computed or if unknown. */
  private volatile double squares = Double.NaN;
  private volatile boolean squaresKnown;

  double squares() {
    return squares;
  }

  boolean squaresKnown() {
    return squaresKnown;
  }

  void squares(double q) {
    squares = q;
    squaresKnown = true;
  }

  double[] mean() {
    return mean;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public boolean weighted() {
    return weighted;
  }

  @Override
  public ComputeBackend owner() {
    return owner;
  }

  @Override
  public void close() {
    closed = true;
    chunks = null;
  }
}
