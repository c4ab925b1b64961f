package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import io.segmenta.kernels.Assignments;
import jcuda.Pointer;

/** Labels (int32, -1 before the first step) and squared distances (float32) on the device. */
final class CudaAssignments implements Assignments {
  private final CudaBackend owner;
  private final int n;
  private final DeviceBuffer labels;
  private final DeviceBuffer dists;
  private final DeviceBuffer order; // rows of each update partition ordered by cluster (scratch of the step)
  private boolean closed;

  CudaAssignments(CudaBackend owner, int n) {
    this.owner = owner;
    this.n = n;
    this.labels = new DeviceBuffer((long) n * Integer.BYTES);
    DeviceBuffer dd = null;
    try {
      dd = new DeviceBuffer((long) n * Float.BYTES);
      this.order = new DeviceBuffer((long) n * Integer.BYTES);
    } catch (RuntimeException e) {
      labels.close();
      if (dd != null) dd.close();
      throw e;
    }
    this.dists = dd;
    cuMemsetD32(labels.ptr(), -1, n);
    cuMemsetD32(dists.ptr(), 0, n);
  }

  DeviceBuffer labels() { return labels; }

  DeviceBuffer dists() { return dists; }

  DeviceBuffer order() { return order; }

  @Override public long rows() { return n; }

  @Override
  public void copyLabels(long from, int[] dst, int off, int len) {
    check(from, len);
    synchronized (owner) {
      owner.context().makeCurrent();
      cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) off * Integer.BYTES), labels.at(from * Integer.BYTES), (long) len * Integer.BYTES);
    }
  }

  @Override
  public void copyDistances(long from, float[] dst, int off, int len) {
    check(from, len);
    synchronized (owner) {
      owner.context().makeCurrent();
      cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) off * Float.BYTES), dists.at(from * Float.BYTES), (long) len * Float.BYTES);
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
      owner.context().makeCurrent();
      labels.close();
      dists.close();
      order.close();
    }
  }
}
