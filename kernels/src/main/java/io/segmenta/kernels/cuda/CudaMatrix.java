package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import jcuda.Pointer;

/**
 * Data resident on the GPU: column-major ({@code x[j * n + i]}), centred on the column means, with
 * optional weights. Stays on the device across iterations until closed.
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
  private boolean closed;

  CudaMatrix(CudaBackend owner, HostMatrix x, float[] w, double[] mean) {
    this.owner = owner;
    this.n = Math.toIntExact(x.rows());
    this.d = x.cols();
    this.mean = mean;
    DeviceBuffer buf = new DeviceBuffer((long) n * d * Float.BYTES);
    DeviceBuffer wb = null;
    try {
      float[] rows = new float[Math.min(n, STAGE_ROWS) * d];
      float[] col = new float[Math.min(n, STAGE_ROWS)];
      for (int r0 = 0; r0 < n; r0 += STAGE_ROWS) {
        int cnt = Math.min(STAGE_ROWS, n - r0);
        x.copyRows(r0, cnt, rows, 0);
        for (int j = 0; j < d; j++) {
          for (int i = 0; i < cnt; i++) col[i] = (float) (rows[i * d + j] - mean[j]);
          cuMemcpyHtoD(buf.at(((long) j * n + r0) * Float.BYTES), Pointer.to(col), (long) cnt * Float.BYTES);
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
      data.close();
      if (weights != null) weights.close();
    }
  }
}
