package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.*;

import io.segmenta.kernels.BackendKind;
import io.segmenta.kernels.BackendUnavailableException;
import io.segmenta.kernels.gpu.Device;
import io.segmenta.kernels.gpu.DeviceBuffer;
import io.segmenta.kernels.gpu.Geometry;
import io.segmenta.kernels.gpu.HostBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA device layer (JCuda, driver API): one device's primary context, the modules loaded from
 * the committed fatbins, device and page-locked memory, streams and launches. Every JCuda call is
 * checked (JCuda throws {@link CudaException} on any error code once exceptions are enabled).
 */
final class CudaDevice implements Device {
  /** The modules, one fatbin each, compiled from src/main/gpu/NAME.cu: K-Means and pairwise distances, Gaussian mixtures. */
  static final String[] MODULES = {"kmeans", "gmm"};

  private final CUdevice device = new CUdevice();
  private final CUcontext context = new CUcontext();
  private final Map<String, CUmodule> modules = new LinkedHashMap<>();
  private final Properties props;
  /** The main queue: the context's default stream. */
  private final Stream main = new Stream(null);
  private boolean closed;

  CudaDevice(int ordinal) {
    init();
    cuDeviceGet(device, ordinal);
    byte[] nm = new byte[256];
    cuDeviceGetName(nm, nm.length, device);
    String s = new String(nm, StandardCharsets.US_ASCII);
    String name = s.substring(0, s.indexOf('\0') < 0 ? s.length() : s.indexOf('\0'));
    int sms = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    int major = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    int minor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    long[] mem = new long[1];
    cuDeviceTotalMem(mem, device);
    // Shared memory one block may have with the opt-in (227 KB on sm_90, 163 KB on sm_80); the whole
    // memory is what the resource guard holds a step's buffers to.
    props = new Properties("CUDA", "cuda", BackendKind.CUDA, name,
        String.format(Locale.ROOT, "%s (sm_%d%d, %d SMs, %.0f GiB)", name, major, minor, sms, mem[0] / (double) (1L << 30)), true, sms,
        attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK),
        attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN), mem[0], false, name);
    List<Fatbin.Entry> entries = Fatbin.parse(fatbin("kmeans"));
    if (!Fatbin.runsOn(entries, major, minor)) {
      throw new BackendUnavailableException("CUDA device " + name + " has compute capability " + major + "." + minor
          + "; the kernels are built for " + entries + " (Ampere, sm_80, or newer)");
    }
    cuDevicePrimaryCtxRetain(context, device);
    enter();
    // Loaded through the driver: nvcc 13's PTX is newer than JCuda's own PTX compiler accepts.
    try {
      for (String m : MODULES) {
        CUmodule module = new CUmodule();
        cuModuleLoadFatBinary(module, fatbin(m));
        modules.put(m, module);
      }
    } catch (RuntimeException e) {
      for (CUmodule module : modules.values()) cuModuleUnload(module);
      cuDevicePrimaryCtxRelease(device);
      throw e;
    }
  }

  /** Initialises the driver; throws {@link LinkageError} when libcuda is missing. */
  static void init() {
    JCudaDriver.setExceptionsEnabled(true);
    cuInit(0);
  }

  static int deviceCount() {
    init();
    int[] count = new int[1];
    cuDeviceGetCount(count);
    return count[0];
  }

  /** The committed fatbin of a module ({@code kmeans} or {@code gmm}). */
  static byte[] fatbin(String module) {
    String path = "/io/segmenta/kernels/cuda/" + module + ".fatbin";
    try (InputStream in = CudaDevice.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("CUDA kernels missing from the class path: " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int attribute(int attr) {
    int[] v = new int[1];
    cuDeviceGetAttribute(v, attr, device);
    return v[0];
  }

  @Override
  public Properties properties() {
    return props;
  }

  /** JCuda contexts are per thread: every entry point makes this one current first. */
  @Override
  public void enter() {
    cuCtxSetCurrent(context);
  }

  /** Half the device's free memory. */
  @Override
  public long residentBudget() {
    long[] free = new long[1], total = new long[1];
    cuMemGetInfo(free, total);
    return free[0] / 2;
  }

  @Override
  public DeviceBuffer allocate(long bytes) {
    return new Memory(bytes);
  }

  @Override
  public HostBuffer allocateHost(long bytes) {
    return new Pinned(bytes);
  }

  @Override
  public void write(DeviceBuffer dst, long offset, float[] src, int from, int len) {
    cuMemcpyHtoD(ptr(dst).withByteOffset(offset), Pointer.to(src).withByteOffset((long) from * Float.BYTES), (long) len * Float.BYTES);
  }

  @Override
  public void write(DeviceBuffer dst, long offset, int[] src, int from, int len) {
    cuMemcpyHtoD(ptr(dst).withByteOffset(offset), Pointer.to(src).withByteOffset((long) from * Integer.BYTES), (long) len * Integer.BYTES);
  }

  @Override
  public void read(DeviceBuffer src, long offset, float[] dst, int from, int len) {
    cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) from * Float.BYTES), ptr(src).withByteOffset(offset), (long) len * Float.BYTES);
  }

  @Override
  public void read(DeviceBuffer src, long offset, int[] dst, int from, int len) {
    cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) from * Integer.BYTES), ptr(src).withByteOffset(offset), (long) len * Integer.BYTES);
  }

  @Override
  public void read(DeviceBuffer src, long offset, double[] dst, int from, int len) {
    cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) from * Double.BYTES), ptr(src).withByteOffset(offset), (long) len * Double.BYTES);
  }

  @Override
  public void fill(DeviceBuffer dst, int value, long words) {
    cuMemsetD32(ptr(dst), value, words);
  }

  @Override
  public Queue mainQueue() {
    return main;
  }

  /** A non-blocking stream: it does not wait for the default stream's work. */
  @Override
  public Queue newQueue() {
    CUstream s = new CUstream();
    cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING);
    return new Stream(s);
  }

  @Override
  public void copy(HostBuffer src, DeviceBuffer dst, long bytes, Queue q) {
    cuMemcpyHtoDAsync(ptr(dst), ((Pinned) src).ptr, bytes, ((Stream) q).stream);
  }

  @Override
  public void await(Queue q) {
    cuStreamSynchronize(((Stream) q).stream);
  }

  @Override
  public void synchronize() {
    cuCtxSynchronize();
  }

  @Override
  public Function function(String module, String name) {
    CUfunction f = new CUfunction();
    cuModuleGetFunction(f, modules.get(module), name);
    return new Kernel(f);
  }

  /** Parameters are passed as an array of pointers to each value; dynamic shared memory is the launch's. */
  @Override
  public void launch(Function f, Object[] args, Geometry g, Queue q) {
    Kernel k = (Kernel) f;
    Pointer[] params = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      params[i] = args[i] instanceof DeviceBuffer b ? Pointer.to(ptr(b)) : Pointer.to(new int[] {(Integer) args[i]});
    }
    int shared = Math.toIntExact(g.localBytes());
    if (shared > k.optedIn) {
      // Past 48 KB a kernel must ask for its dynamic shared memory before it is launched.
      cuFuncSetAttribute(k.function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, shared);
      k.optedIn = shared;
    }
    cuLaunchKernel(k.function, g.groupsX(), g.groupsY(), 1, g.groupX(), g.groupY(), 1, shared, ((Stream) q).stream,
        Pointer.to(params), null);
  }

  @Override
  public boolean isApiFailure(RuntimeException e) {
    return e instanceof CudaException;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    enter();
    for (CUmodule module : modules.values()) cuModuleUnload(module);
    cuDevicePrimaryCtxRelease(device);
  }

  private static CUdeviceptr ptr(DeviceBuffer b) {
    return ((Memory) b).ptr();
  }

  private static final class Kernel implements Function {
    final CUfunction function;
    int optedIn;

    Kernel(CUfunction function) {
      this.function = function;
    }
  }

  /** A stream; the default one (null) is never destroyed. */
  private record Stream(CUstream stream) implements Queue {
    @Override
    public void close() {
      if (stream != null) cuStreamDestroy(stream);
    }
  }

  private static final class Memory extends DeviceBuffer {
    private final CUdeviceptr ptr = new CUdeviceptr();

    Memory(long bytes) {
      super(bytes);
      cuMemAlloc(ptr, bytes);
    }

    CUdeviceptr ptr() {
      checkLive();
      return ptr;
    }

    @Override
    protected void free() {
      cuMemFree(ptr);
    }
  }

  /** Page-locked host memory: what asynchronous copies need to overlap with kernels. */
  private static final class Pinned extends HostBuffer {
    private final Pointer ptr;

    Pinned(long bytes) {
      this(hostAlloc(bytes), bytes);
    }

    private Pinned(Pointer ptr, long bytes) {
      super(ptr.getByteBuffer(0, bytes));
      this.ptr = ptr;
    }

    private static Pointer hostAlloc(long bytes) {
      Pointer p = new Pointer();
      cuMemHostAlloc(p, Math.max(bytes, 4), 0);
      return p;
    }

    @Override
    protected void free() {
      cuMemFreeHost(ptr);
    }
  }
}
