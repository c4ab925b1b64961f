package io.segmenta.kernels.gpu;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;

/**
 * Data on the device: column-major ({@code x[j * n + i]}), centred on the column means, with
 * optional weights. Resident (uploaded once, kept across iterations), or streamed: when it does not
 * fit the device budget the matrix stays on the host (a mapped feature store) and each step copies
 * it through in chunks; weights, labels and distances stay on the device either way (12 bytes a row).
 */
final class GpuMatrix implements DeviceMatrix {
  /** Rows transposed per host staging block. */
  private static final int STAGE_ROWS = 1 << 18;

  private final GpuBackend owner;
  private final int n;
  private final int d;
  private final double[] mean;
  private final DeviceBuffer data;
  private final DeviceBuffer weights;
  private final DeviceBuffer dummy; // the weights argument when there are none: the kernels take a buffer and a flag
  private final HostMatrix source; // streamed mode only
  private final int chunkRows;
  private boolean closed;

  /**
   * Uploads {@code x}, or, with {@code chunkRows} > 0, keeps it on the host to stream chunks of
   * that many rows through the device at each step.
   */
  GpuMatrix(GpuBackend owner, HostMatrix x, float[] w, double[] mean, int chunkRows) {
    Gpu gpu = owner.gpu();
    this.owner = owner;
    this.n = Math.toIntExact(x.rows());
    this.d = x.cols();
    this.mean = mean;
    boolean streamed = chunkRows > 0;
    this.source = streamed ? x : null;
    this.chunkRows = streamed ? chunkRows : n;
    DeviceBuffer buf = null, wb = null, dm = null;
    try {
      if (!streamed) {
        buf = gpu.alloc((long) n * d * Float.BYTES);
        float[] block = new float[Math.min(n, STAGE_ROWS) * d];
        for (int r0 = 0; r0 < n; r0 += STAGE_ROWS) {
          int cnt = Math.min(STAGE_ROWS, n - r0);
          Staging.columnMajor(x, r0, cnt, mean, block);
          // Column j of this block goes to rows [r0, r0 + cnt) of column j of the device matrix.
          for (int j = 0; j < d; j++) gpu.write(buf, (long) j * n + r0, block, j * cnt, cnt);
        }
      }
      if (w != null) wb = gpu.upload(w);
      else dm = gpu.alloc(Float.BYTES);
    } catch (RuntimeException e) {
      for (DeviceBuffer b : new DeviceBuffer[] {buf, wb, dm}) if (b != null) b.close();
      throw e;
    }
    this.data = buf;
    this.weights = wb;
    this.dummy = dm;
  }

  boolean streamed() {
    return source != null;
  }

  int chunkRows() {
    return chunkRows;
  }

  /** Rows [start, start + rows), centred, column-major (n = rows), into {@code dst} from its start. */
  void stageChunk(long start, int rows, HostBuffer dst) {
    float[] colMajor = new float[rows * d];
    Staging.columnMajor(source, start, rows, mean, colMajor);
    dst.floats().put(colMajor, 0, rows * d);
  }

  int n() {
    return n;
  }

  double[] mean() {
    return mean;
  }

  /** The resident column-major data (null when streamed). */
  DeviceBuffer data() {
    if (closed) throw new IllegalStateException("matrix is closed");
    return data;
  }

  DeviceBuffer weightsOrDummy() {
    return weights != null ? weights : dummy;
  }

  @Override
  public long rows() {
    return n;
  }

  @Override
  public int cols() {
    return d;
  }

  @Override
  public boolean weighted() {
    return weights != null;
  }

  @Override
  public ComputeBackend owner() {
    return owner;
  }

  @Override
  public void close() {
    synchronized (owner) {
      if (closed) return;
      closed = true;
      owner.gpu().device.enter();
      for (DeviceBuffer b : new DeviceBuffer[] {data, weights, dummy}) if (b != null) b.close();
    }
  }
}
