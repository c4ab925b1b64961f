package io.segmenta.cpu;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;

/** Resident data of the CPU backend: packed chunks and the column means they are centred on. */
final class CpuMatrix implements DeviceMatrix {
  private final CpuBackend owner;
  private volatile CpuChunk[] chunks;
  private final long rows;
  private final int cols;
  private final double[] mean;
  private final boolean weighted;

  CpuMatrix(CpuBackend owner, CpuChunk[] chunks, long rows, int cols, double[] mean, boolean weighted) {
    this.owner = owner;
    this.chunks = chunks;
    this.rows = rows;
    this.cols = cols;
    this.mean = mean;
    this.weighted = weighted;
  }

  CpuChunk[] chunks() {
    CpuChunk[] c = chunks;
    if (c == null) throw new IllegalStateException("matrix is closed");
    return c;
  }

  double[] mean() {
    return mean;
  }

  boolean isClosed() {
    return chunks == null;
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
    chunks = null;
  }
}
