package io.segmenta.kernels.gpu;

import io.segmenta.kernels.Assignments;

/** Labels (int32, -1 before the first step) and squared distances (float32) on the device. */
final class GpuAssignments implements Assignments {
  private final GpuBackend owner;
  private final int n;
  private final DeviceBuffer labels;
  private final DeviceBuffer dists;
  private final DeviceBuffer order; // rows of each update partition ordered by cluster (scratch of the step)
  private boolean closed;

  GpuAssignments(GpuBackend owner, int n) {
    Gpu gpu = owner.gpu();
    this.owner = owner;
    this.n = n;
    DeviceBuffer l = null, dd = null, o = null;
    try {
      l = gpu.alloc((long) n * Integer.BYTES);
      dd = gpu.alloc((long) n * Float.BYTES);
      o = gpu.alloc((long) n * Integer.BYTES);
      if (n > 0) {
        gpu.device.fill(l, -1, n);
        gpu.device.fill(dd, 0, n);
        gpu.device.await(gpu.device.mainQueue());
      }
    } catch (RuntimeException e) {
      for (DeviceBuffer b : new DeviceBuffer[] {l, dd, o}) if (b != null) b.close();
      throw gpu.failure(e, "allocating assignments for " + n + " rows");
    }
    labels = l;
    dists = dd;
    order = o;
  }

  GpuBackend owner() {
    return owner;
  }

  DeviceBuffer labels() {
    return labels;
  }

  DeviceBuffer dists() {
    return dists;
  }

  DeviceBuffer order() {
    return order;
  }

  @Override
  public long rows() {
    return n;
  }

  @Override
  public void copyLabels(long from, int[] dst, int off, int len) {
    synchronized (owner) {
      check(from, len);
      owner.gpu().read(labels, from, dst, off, len);
    }
  }

  @Override
  public void copyDistances(long from, float[] dst, int off, int len) {
    synchronized (owner) {
      check(from, len);
      owner.gpu().read(dists, from, dst, off, len);
    }
  }

  private void check(long from, int len) {
    if (closed) throw new IllegalStateException("assignments are closed");
    if (from < 0 || len < 0 || from + len > n) throw new IndexOutOfBoundsException("rows [" + from + ", " + (from + len) + ") of " + n);
    owner.gpu().device.enter();
  }

  @Override
  public void close() {
    synchronized (owner) {
      if (closed) return;
      closed = true;
      owner.gpu().device.enter();
      labels.close();
      dists.close();
      order.close();
    }
  }
}
