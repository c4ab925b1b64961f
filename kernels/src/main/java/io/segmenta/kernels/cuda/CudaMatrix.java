package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.gpu.Staging;
import jcuda.Pointer;

/**
 * Data on the GPU: column-major ({@code x[j * n + i]}), centred on the column means, with optional
 * weights. Resident (uploaded once, kept across iterations), or streamed: when it does not fit the
 * device budget the matrix stays on the host (a mapped feature store) and each step copies it
 * through in chunks; weights, labels and distances stay on the device either way.
 */
final class CudaMatrix implements DeviceMatrix {
  /** Rows transposed per host staging block. */
  private static final int STAGE_ROWS = 1 << 18;

  private final CudaBackend owner;
  private final int n;
  private final int d;
  private final double[] mean;
  private final DeviceBuffer data;
  private final DeviceBuffer weights;
  private final HostMatrix source; // streamed mode only
  private final int chunkRows;
  private boolean closed;

  /** Streamed: chunks of {@code chunkRows} rows are copied through at each step. */
  CudaMatrix(CudaBackend owner, HostMatrix x, float[] w, double[] mean, int chunkRows) {
    this.owner = owner;
    this.n = Math.toIntExact(x.rows());
    this.d = x.cols();
    this.mean = mean;
    this.source = x;
    this.chunkRows = chunkRows;
    this.data = null;
    DeviceBuffer wb = null;
    if (w != null) {
      wb = new DeviceBuffer((long) n * Float.BYTES);
      cuMemcpyHtoD(wb.ptr(), Pointer.to(w), (long) n * Float.BYTES);
    }
    this.weights = wb;
  }

  CudaMatrix(CudaBackend owner, HostMatrix x, float[] w, double[] mean) {
    this.owner = owner;
    this.n = Math.toIntExact(x.rows());
    this.d = x.cols();
    this.mean = mean;
    DeviceBuffer buf = new DeviceBuffer((long) n * d * Float.BYTES);
    DeviceBuffer wb = null;
    try {
      float[] block = new float[Math.min(n, STAGE_ROWS) * d];
      for (int r0 = 0; r0 < n; r0 += STAGE_ROWS) {
        int cnt = Math.min(STAGE_ROWS, n - r0);
        Staging.columnMajor(x, r0, cnt, mean, block);
        for (int j = 0; j < d; j++) {
          // Column j of this block goes to rows [r0, r0 + cnt) of column j of the device matrix.
          cuMemcpyHtoD(buf.at(((long) j * n + r0) * Float.BYTES), Pointer.to(block).withByteOffset((long) j * cnt * Float.BYTES),
              (long) cnt * Float.BYTES);
        }
      }
      if (w != null) {
        wb = new DeviceBuffer((long) n * Float.BYTES);
        cuMemcpyHtoD(wb.ptr(), Pointer.to(w), (long) n * Float.BYTES);
      }
    } catch (RuntimeException e) {
      buf.close();
      if (wb != null) wb.close();
      throw e;
    }
    this.data = buf;
    this.weights = wb;
    this.source = null;
    this.chunkRows = n;
  }

  boolean streamed() { return source != null; }

  int chunkRows() { return chunkRows; }

  /** Rows [start, start + rows), centred, column-major (n = rows), into pinned host memory. */
  void stageChunk(long start, int rows, PinnedBuffer dst) {
    float[] colMajor = new float[rows * d];
    Staging.columnMajor(source, start, rows, mean, colMajor);
    dst.floats().put(colMajor, 0, rows * d);
  }

  int n() { return n; }

  double[] mean() { return mean; }

  DeviceBuffer data() {
    if (closed) throw new IllegalStateException("matrix is closed");
    return data;
  }

  DeviceBuffer weights() { return weights; }

  @Override public long rows() { return n; }

  @Override public int cols() { return d; }

  @Override public boolean weighted() { return weights != null; }

  @Override public ComputeBackend owner() { return owner; }

  @Override
  public void close() {
    synchronized (owner) {
      if (closed) return;
      closed = true;
      owner.context().makeCurrent();
      if (data != null) data.close();
      if (weights != null) weights.close();
    }
  }
}
