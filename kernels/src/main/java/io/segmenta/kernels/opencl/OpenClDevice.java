package io.segmenta.kernels.opencl;

import static org.jocl.CL.*;

import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.gpu.Device;
import io.segmenta.kernels.gpu.DeviceBuffer;
import io.segmenta.kernels.gpu.Geometry;
import io.segmenta.kernels.gpu.HostBuffer;
import io.segmenta.kernels.gpu.KernelSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * The OpenCL device layer (JOCL): one device's context, in-order queue and the Segmenta programs,
 * one per module, each built at open from the module's kernel text ({@link KernelSource}: the same
 * text nvcc compiles into the CUDA fatbins). Every JOCL call is checked (exceptions enabled).
 * Closing releases them all.
 */
final class OpenClDevice implements Device {
  /** The modules, one program each: K-Means and pairwise distances, Gaussian mixtures. */
  static final String[] MODULES = {"kmeans", "gmm"};

  /** A device found on the machine, with what the backend needs to know before opening it. */
  record Candidate(cl_platform_id platform, cl_device_id device, String name, String platformName, boolean gpu, boolean fp64) {
    String describe() {
      return name + " (" + platformName + (gpu ? ", GPU" : ", CPU") + ")";
    }
  }

  private final cl_context context;
  private final cl_command_queue queue;
  private final Map<String, cl_program> programs = new LinkedHashMap<>();
  private final List<cl_kernel> kernels = new ArrayList<>();
  private final Properties props;
  private final long residentBudget;
  /** The one queue: in order, so work queued on it runs in the order it was queued. */
  private final Queue main = () -> {};
  private boolean closed;

  OpenClDevice(Candidate c) {
    cl_context_properties cp = new cl_context_properties();
    cp.addProperty(CL_CONTEXT_PLATFORM, c.platform());
    context = clCreateContext(cp, 1, new cl_device_id[] {c.device()}, null, null, null);
    cl_command_queue q = null;
    try {
      q = clCreateCommandQueueWithProperties(context, c.device(), null, null);
      for (String m : MODULES) programs.put(m, build(c, m));
    } catch (RuntimeException e) {
      for (cl_program p : programs.values()) clReleaseProgram(p);
      if (q != null) clReleaseCommandQueue(q);
      clReleaseContext(context);
      throw e;
    }
    queue = q;
    int units = intInfo(c.device(), CL_DEVICE_MAX_COMPUTE_UNITS);
    long maxAlloc = longInfo(c.device(), CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    props = new Properties("OpenCL", "opencl", BackendKind.OPENCL, c.describe(), c.describe() + ", " + units + " compute units", c.gpu(),
        units, (int) Math.min(Integer.MAX_VALUE, sizeInfo(c.device(), CL_DEVICE_MAX_WORK_GROUP_SIZE)),
        longInfo(c.device(), CL_DEVICE_LOCAL_MEM_SIZE), maxAlloc, true, c.describe() + " (largest buffer)");
    residentBudget = Math.min(longInfo(c.device(), CL_DEVICE_GLOBAL_MEM_SIZE) / 2, maxAlloc);
  }

  private cl_program build(Candidate c, String module) {
    String text = KernelSource.text(module);
    cl_program p = clCreateProgramWithSource(context, 1, new String[] {text}, null, null);
    try {
      clBuildProgram(p, 1, new cl_device_id[] {c.device()}, "-cl-std=CL1.2", null, null);
    } catch (CLException e) {
      String log = buildLog(p, c.device());
      clReleaseProgram(p);
      throw new IllegalStateException("building the OpenCL kernels of " + module + ".cu for " + c.describe() + " failed: " + e.getMessage()
          + "\n" + log, e);
    }
    return p;
  }

  @Override
  public Properties properties() {
    return props;
  }

  @Override
  public void enter() {}

  /** Half the device's global memory, and no more than its largest allocation. */
  @Override
  public long residentBudget() {
    return residentBudget;
  }

  @Override
  public DeviceBuffer allocate(long bytes) {
    return new Memory(clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null), bytes);
  }

  /** A direct buffer: OpenCL copies from any host memory. */
  @Override
  public HostBuffer allocateHost(long bytes) {
    return new Host(ByteBuffer.allocateDirect(Math.toIntExact(Math.max(bytes, 4))));
  }

  @Override
  public void write(DeviceBuffer dst, long offset, float[] src, int from, int len) {
    clEnqueueWriteBuffer(queue, mem(dst), CL_TRUE, offset, (long) len * Float.BYTES, Pointer.to(src).withByteOffset((long) from * Float.BYTES),
        0, null, null);
  }

  @Override
  public void write(DeviceBuffer dst, long offset, int[] src, int from, int len) {
    clEnqueueWriteBuffer(queue, mem(dst), CL_TRUE, offset, (long) len * Integer.BYTES, Pointer.to(src).withByteOffset((long) from * Integer.BYTES),
        0, null, null);
  }

  @Override
  public void read(DeviceBuffer src, long offset, float[] dst, int from, int len) {
    clEnqueueReadBuffer(queue, mem(src), CL_TRUE, offset, (long) len * Float.BYTES, Pointer.to(dst).withByteOffset((long) from * Float.BYTES),
        0, null, null);
  }

  @Override
  public void read(DeviceBuffer src, long offset, int[] dst, int from, int len) {
    clEnqueueReadBuffer(queue, mem(src), CL_TRUE, offset, (long) len * Integer.BYTES, Pointer.to(dst).withByteOffset((long) from * Integer.BYTES),
        0, null, null);
  }

  @Override
  public void read(DeviceBuffer src, long offset, double[] dst, int from, int len) {
    clEnqueueReadBuffer(queue, mem(src), CL_TRUE, offset, (long) len * Double.BYTES, Pointer.to(dst).withByteOffset((long) from * Double.BYTES),
        0, null, null);
  }

  @Override
  public void fill(DeviceBuffer dst, int value, long words) {
    clEnqueueFillBuffer(queue, mem(dst), Pointer.to(new int[] {value}), Integer.BYTES, 0, words * Integer.BYTES, 0, null, null);
  }

  @Override
  public Queue mainQueue() {
    return main;
  }

  /** The one in-order queue again: with it, the backend's two streaming lanes take turns. */
  @Override
  public Queue newQueue() {
    return main;
  }

  /** A blocking write: the host buffer is free again when it returns. */
  @Override
  public void copy(HostBuffer src, DeviceBuffer dst, long bytes, Queue q) {
    clEnqueueWriteBuffer(queue, mem(dst), CL_TRUE, 0, bytes, Pointer.to(((Host) src).buffer()), 0, null, null);
  }

  @Override
  public void await(Queue q) {
    clFinish(queue);
  }

  @Override
  public void synchronize() {
    clFinish(queue);
  }

  @Override
  public Function function(String module, String name) {
    cl_kernel k = clCreateKernel(programs.get(module), name, null);
    kernels.add(k);
    return new Kernel(k);
  }

  /** Arguments are set in order; dynamic local memory is one more, sized, argument. */
  @Override
  public void launch(Function f, Object[] args, Geometry g, Queue q) {
    cl_kernel k = ((Kernel) f).kernel;
    int a = 0;
    for (Object v : args) {
      if (v instanceof DeviceBuffer b) clSetKernelArg(k, a++, Sizeof.cl_mem, Pointer.to(mem(b)));
      else clSetKernelArg(k, a++, Sizeof.cl_int, Pointer.to(new int[] {(Integer) v}));
    }
    if (g.localBytes() > 0) clSetKernelArg(k, a, g.localBytes(), null);
    long[] global = {(long) g.groupsX() * g.groupX(), (long) g.groupsY() * g.groupY()};
    clEnqueueNDRangeKernel(queue, k, 2, null, global, new long[] {g.groupX(), g.groupY()}, 0, null, null);
  }

  @Override
  public boolean isApiFailure(RuntimeException e) {
    return e instanceof CLException;
  }

  private static cl_mem mem(DeviceBuffer b) {
    return ((Memory) b).mem();
  }

  private record Kernel(cl_kernel kernel) implements Function {}

  private static final class Host extends HostBuffer {
    Host(ByteBuffer b) {
      super(b);
    }

    ByteBuffer buffer() {
      return bytes();
    }

    @Override
    protected void free() {} // the collector frees a direct buffer
  }

  private static final class Memory extends DeviceBuffer {
    private final cl_mem mem;

    Memory(cl_mem mem, long bytes) {
      super(bytes);
      this.mem = mem;
    }

    cl_mem mem() {
      checkLive();
      return mem;
    }

    @Override
    protected void free() {
      clReleaseMemObject(mem);
    }
  }

  /** Every device of every platform; throws {@link LinkageError} when no OpenCL loader is installed. */
  static List<Candidate> candidates() {
    CL.setExceptionsEnabled(true);
    int[] np = new int[1];
    try {
      clGetPlatformIDs(0, null, np);
    } catch (CLException e) {
      return List.of(); // CL_PLATFORM_NOT_FOUND_KHR: a loader without any installed driver
    }
    cl_platform_id[] platforms = new cl_platform_id[np[0]];
    clGetPlatformIDs(platforms.length, platforms, null);
    List<Candidate> out = new ArrayList<>();
    for (cl_platform_id p : platforms) {
      int[] nd = new int[1];
      try {
        clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
      } catch (CLException e) {
        continue; // a platform with no devices
      }
      cl_device_id[] devices = new cl_device_id[nd[0]];
      clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
      String pname = stringInfo(p);
      for (cl_device_id d : devices) {
        long type = longInfo(d, CL_DEVICE_TYPE);
        String ext = stringInfo(d, CL_DEVICE_EXTENSIONS);
        out.add(new Candidate(p, d, stringInfo(d, CL_DEVICE_NAME).strip(), pname, (type & CL_DEVICE_TYPE_GPU) != 0,
            ext.contains("cl_khr_fp64")));
      }
    }
    return out;
  }

  private static String buildLog(cl_program p, cl_device_id d) {
    try {
      long[] size = new long[1];
      clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, 0, null, size);
      byte[] buf = new byte[(int) size[0]];
      clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
      return new String(buf, StandardCharsets.UTF_8).strip();
    } catch (CLException e) {
      return "(no build log: " + e.getMessage() + ")";
    }
  }

  private static String stringInfo(cl_platform_id p) {
    long[] size = new long[1];
    clGetPlatformInfo(p, CL_PLATFORM_NAME, 0, null, size);
    byte[] b = new byte[(int) size[0]];
    clGetPlatformInfo(p, CL_PLATFORM_NAME, b.length, Pointer.to(b), null);
    return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8).strip();
  }

  private static String stringInfo(cl_device_id d, int param) {
    long[] size = new long[1];
    clGetDeviceInfo(d, param, 0, null, size);
    byte[] b = new byte[(int) size[0]];
    clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
    return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8);
  }

  private static int intInfo(cl_device_id d, int param) {
    int[] v = new int[1];
    clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
    return v[0];
  }

  private static long longInfo(cl_device_id d, int param) {
    long[] v = new long[1];
    clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
    return v[0];
  }

  private static long sizeInfo(cl_device_id d, int param) {
    long[] v = new long[1];
    clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
    return v[0];
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (cl_kernel k : kernels) clReleaseKernel(k);
    for (cl_program p : programs.values()) clReleaseProgram(p);
    clReleaseCommandQueue(queue);
    clReleaseContext(context);
  }
}
