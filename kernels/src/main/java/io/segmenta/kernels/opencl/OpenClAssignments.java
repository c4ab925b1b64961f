package io.segmenta.kernels.opencl;

import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clFinish;

import io.segmenta.kernels.Assignments;
import org.jocl.Pointer;

/** Labels (int32, -1 before the first step) and squared distances (float32) on the device. */
final class OpenClAssignments implements Assignments {
  private final OpenClBackend owner;
  private final int n;
  private final ClBuffer labels;
  private final ClBuffer dists;
  private final ClBuffer order; // rows of each update partition ordered by cluster (scratch of the step)
  private boolean closed;

  OpenClAssignments(OpenClBackend owner, int n) {
    OpenClContext ctx = owner.context();
    this.owner = owner;
    this.n = n;
    this.labels = new ClBuffer(ctx, (long) n * Integer.BYTES);
    ClBuffer dd = null;
    try {
      dd = new ClBuffer(ctx, (long) n * Float.BYTES);
      this.order = new ClBuffer(ctx, (long) n * Integer.BYTES);
    } catch (RuntimeException e) {
      labels.close();
      if (dd != null) dd.close();
      throw e;
    }
    this.dists = dd;
    if (n > 0) {
      clEnqueueFillBuffer(ctx.queue, labels.mem(), Pointer.to(new int[] {-1}), Integer.BYTES, 0, (long) n * Integer.BYTES, 0, null, null);
      clEnqueueFillBuffer(ctx.queue, dists.mem(), Pointer.to(new float[] {0}), Float.BYTES, 0, (long) n * Float.BYTES, 0, null, null);
      clFinish(ctx.queue);
    }
  }

  ClBuffer labels() { return labels; }

  ClBuffer dists() { return dists; }

  ClBuffer order() { return order; }

  @Override public long rows() { return n; }

  @Override
  public void copyLabels(long from, int[] dst, int off, int len) {
    check(from, len);
    if (len == 0) return;
    synchronized (owner) {
      clEnqueueReadBuffer(owner.context().queue, labels.mem(), CL_TRUE, from * Integer.BYTES, (long) len * Integer.BYTES,
          Pointer.to(dst).withByteOffset((long) off * Integer.BYTES), 0, null, null);
    }
  }

  @Override
  public void copyDistances(long from, float[] dst, int off, int len) {
    check(from, len);
    if (len == 0) return;
    synchronized (owner) {
      clEnqueueReadBuffer(owner.context().queue, dists.mem(), CL_TRUE, from * Float.BYTES, (long) len * Float.BYTES,
          Pointer.to(dst).withByteOffset((long) off * Float.BYTES), 0, null, null);
    }
  }

  private void check(long from, int len) {
    if (closed) throw new IllegalStateException("assignments are closed");
    if (from < 0 || len < 0 || from + len > n) throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + len) + ") of " + n);
  }

  @Override
  public void close() {
    synchronized (owner) {
      if (closed) return;
      closed = true;
      labels.close();
      dists.close();
      order.close();
    }
  }
}
