package io.segmenta.kernels.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueWriteBuffer;

import io.segmenta.kernels.ComputeBackend;
import io.segmenta.kernels.DeviceMatrix;
import io.segmenta.kernels.HostMatrix;
import io.segmenta.kernels.gpu.Staging;
import org.jocl.Pointer;

/**
 * Data on the OpenCL device: column-major, centred on the column means, optional weights. Resident
 * (uploaded once), or streamed: when it does not fit the device budget, the matrix stays on the host
 * (a mapped store) and each step uploads it chunk by chunk; weights, labels and distances stay on the
 * device either way (12 bytes per row).
 */
final class OpenClMatrix implements DeviceMatrix {
  private static final int STAGE_ROWS = 1 << 18;

  private final OpenClBackend owner;
  private final int n;
  private final int d;
  private final double[] mean;
  private final ClBuffer data;
  private final ClBuffer weights;
  private final ClBuffer dummy;
  private final HostMatrix source; // streamed mode only
  private final int chunkRows;
  private boolean closed;

  /** Streamed: chunks of {@code chunkRows} rows go through the device at each step. */
  OpenClMatrix(OpenClBackend owner, HostMatrix x, float[] w, double[] mean, int chunkRows) {
    OpenClContext ctx = owner.context();
    this.owner = owner;
    this.n = Math.toIntExact(x.rows());
    this.d = x.cols();
    this.mean = mean;
    this.source = x;
    this.chunkRows = chunkRows;
    this.data = null;
    ClBuffer wb = null, dm = null;
    if (w != null) {
      wb = new ClBuffer(ctx, (long) n * Float.BYTES);
      clEnqueueWriteBuffer(ctx.queue, wb.mem(), CL_TRUE, 0, (long) n * Float.BYTES, Pointer.to(w), 0, null, null);
    } else {
      dm = new ClBuffer(ctx, Float.BYTES);
    }
    this.weights = wb;
    this.dummy = dm;
  }

  OpenClMatrix(OpenClBackend owner, HostMatrix x, float[] w, double[] mean) {
    OpenClContext ctx = owner.context();
    this.owner = owner;
    this.n = Math.toIntExact(x.rows());
    this.d = x.cols();
    this.mean = mean;
    ClBuffer buf = new ClBuffer(ctx, (long) n * d * Float.BYTES);
    ClBuffer wb = null;
    ClBuffer dm = null;
    try {
      float[] block = new float[Math.min(n, STAGE_ROWS) * d];
      for (int r0 = 0; r0 < n; r0 += STAGE_ROWS) {
        int cnt = Math.min(STAGE_ROWS, n - r0);
        Staging.columnMajor(x, r0, cnt, mean, block);
        for (int j = 0; j < d; j++) {
          // Column j of this block goes to rows [r0, r0 + cnt) of column j of the device matrix.
          clEnqueueWriteBuffer(ctx.queue, buf.mem(), CL_TRUE, ((long) j * n + r0) * Float.BYTES, (long) cnt * Float.BYTES,
              Pointer.to(block).withByteOffset((long) j * cnt * Float.BYTES), 0, null, null);
        }
      }
      if (w != null) {
        wb = new ClBuffer(ctx, (long) n * Float.BYTES);
        clEnqueueWriteBuffer(ctx.queue, wb.mem(), CL_TRUE, 0, (long) n * Float.BYTES, Pointer.to(w), 0, null, null);
      } else {
        dm = new ClBuffer(ctx, Float.BYTES); // OpenCL 1.2 wants a buffer even for an unused argument
      }
    } catch (RuntimeException e) {
      buf.close();
      if (wb != null) wb.close();
      if (dm != null) dm.close();
      throw e;
    }
    this.data = buf;
    this.weights = wb;
    this.dummy = dm;
    this.source = null;
    this.chunkRows = n;
  }

  boolean streamed() { return source != null; }

  int chunkRows() { return chunkRows; }

  /**
   * Writes rows [start, start + rows) centred and column-major (n = rows) into {@code dst}: the
   * layout the kernels read, for one streamed chunk.
   */
  void stageChunk(long start, int rows, ClBuffer dst) {
    OpenClContext ctx = owner.context();
    float[] colMajor = new float[rows * d];
    Staging.columnMajor(source, start, rows, mean, colMajor);
    clEnqueueWriteBuffer(ctx.queue, dst.mem(), CL_TRUE, 0, (long) rows * d * Float.BYTES, Pointer.to(colMajor), 0, null, null);
  }

  int n() { return n; }

  double[] mean() { return mean; }

  /** The resident column-major data (null when streamed). */
  ClBuffer data() {
    if (closed) throw new IllegalStateException("matrix is closed");
    return data;
  }

  ClBuffer weightsOrDummy() { return weights != null ? weights : dummy; }

  @Override public long rows() { return n; }

  @Override public int cols() { return d; }

  @Override public boolean weighted() { return weights != null; }

  @Override public ComputeBackend owner() { return owner; }

  @Override
  public void close() {
    synchronized (owner) {
      if (closed) return;
      closed = true;
      if (data != null) data.close();
      if (weights != null) weights.close();
      if (dummy != null) dummy.close();
    }
  }
}
