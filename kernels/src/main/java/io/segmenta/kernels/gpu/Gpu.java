package io.segmenta.kernels.gpu;

import io.segmenta.kernels.GpuKernelException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Device} with what every part of the backend does with it, written once: allocations
 * that pass the fault-injection hook, typed copies of Java arrays, kernels whose launches name
 * themselves when they fail, and the message of a failed operation.
 */
final class Gpu {
  final Device device;
  final Device.Properties props;

  Gpu(Device device) {
    this.device = device;
    this.props = device.properties();
  }

  /** Device memory of {@code bytes}; an injected or real refusal is a {@link GpuKernelException}. */
  DeviceBuffer alloc(long bytes) {
    FaultInjection.beforeAllocation(props.api(), bytes);
    try {
      return device.allocate(Math.max(bytes, 4));
    } catch (RuntimeException e) {
      throw failure(e, "allocating " + bytes + " bytes of device memory");
    }
  }

  /** A new device buffer holding {@code v}. */
  DeviceBuffer upload(float[] v) {
    DeviceBuffer b = alloc((long) v.length * Float.BYTES);
    try {
      write(b, 0, v, 0, v.length);
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
    return b;
  }

  /** A new device buffer holding {@code v}. */
  DeviceBuffer upload(int[] v) {
    DeviceBuffer b = alloc((long) v.length * Integer.BYTES);
    try {
      if (v.length > 0) device.write(b, 0, v, 0, v.length);
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
    return b;
  }

  /** {@code v[from .. from + len)} to float {@code at} of {@code dst}. */
  void write(DeviceBuffer dst, long at, float[] v, int from, int len) {
    if (len > 0) device.write(dst, at * Float.BYTES, v, from, len);
  }

  void read(DeviceBuffer src, long at, float[] dst, int off, int len) {
    if (len > 0) device.read(src, at * Float.BYTES, dst, off, len);
  }

  void read(DeviceBuffer src, long at, int[] dst, int off, int len) {
    if (len > 0) device.read(src, at * Integer.BYTES, dst, off, len);
  }

  void read(DeviceBuffer src, double[] dst) {
    device.read(src, 0, dst, 0, dst.length);
  }

  /** Work-items per group: {@code want}, or fewer where the device allows fewer. */
  int group(int want) {
    return Math.min(want, props.maxGroup());
  }

  Kernel kernel(String module, String name) {
    return new Kernel(module, name);
  }

  /**
   * The exception to throw for {@code e}, raised while doing {@code what}: a failure of the API
   * becomes a {@link GpuKernelException} naming the operation and the device; others pass as they are.
   */
  RuntimeException failure(RuntimeException e, String what) {
    if (!device.isApiFailure(e)) return e;
    return new GpuKernelException(props.api() + " " + what + " on " + props.device() + " failed: " + e.getMessage(), e);
  }

  /** A kernel and its arguments, set in order for one launch. */
  final class Kernel {
    final String module;
    final String name;
    private final Device.Function function;
    private final List<Object> args = new ArrayList<>();

    private Kernel(String module, String name) {
      this.module = module;
      this.name = name;
      this.function = device.function(module, name);
    }

    Kernel begin() {
      args.clear();
      return this;
    }

    Kernel buf(DeviceBuffer b) {
      args.add(b);
      return this;
    }

    Kernel i(int v) {
      args.add(v);
      return this;
    }

    /** Queues the kernel over {@code g} on {@code q}; with {@code wait}, returns when it is done. */
    void run(Geometry g, Device.Queue q, boolean wait) {
      FaultInjection.beforeLaunch(props.api(), name);
      try {
        device.launch(function, args.toArray(), g, q);
        if (wait) device.await(q);
      } catch (RuntimeException e) {
        if (!device.isApiFailure(e)) throw e;
        throw new GpuKernelException(props.api() + " kernel " + name + " failed on " + props.device() + " (" + g + "): " + e.getMessage(), e);
      }
    }

    /** Runs it on the main queue and waits. */
    void run(Geometry g) {
      run(g, device.mainQueue(), true);
    }
  }
}
