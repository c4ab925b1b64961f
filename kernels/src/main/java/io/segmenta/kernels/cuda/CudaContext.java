package io.segmenta.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadFatBinary;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device's primary context and the Segmenta modules loaded into it. Every JCuda call is
 * checked (JCuda throws {@code CudaException} on any error code once exceptions are enabled).
 * Closing it unloads the modules and releases the context.
 */
final class CudaContext implements AutoCloseable {
  /** The modules, one fatbin each: K-Means and pairwise distances, Gaussian mixtures. */
  static final String[] MODULES = {"kmeans", "gmm"};

  final CUdevice device = new CUdevice();
  final CUcontext context = new CUcontext();
  private final java.util.Map<String, CUmodule> modules = new java.util.LinkedHashMap<>();
  final String name;
  final int multiprocessors;
  final int maxThreadsPerBlock;
  /** Shared memory one block may have with the opt-in (227 KB on sm_90, 163 KB on sm_80). */
  final int maxSharedPerBlockOptin;
  final long totalMemory;
  final int computeMajor;
  final int computeMinor;
  private boolean closed;

  CudaContext(int ordinal) {
    init();
    cuDeviceGet(device, ordinal);
    byte[] nm = new byte[256];
    cuDeviceGetName(nm, nm.length, device);
    String s = new String(nm, java.nio.charset.StandardCharsets.US_ASCII);
    name = s.substring(0, Math.max(0, s.indexOf('\0') < 0 ? s.length() : s.indexOf('\0')));
    multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    maxThreadsPerBlock = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
    maxSharedPerBlockOptin = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
    computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    long[] mem = new long[1];
    cuDeviceTotalMem(mem, device);
    totalMemory = mem[0];
    java.util.List<Fatbin.Entry> entries = Fatbin.parse(fatbin("kmeans"));
    if (!Fatbin.runsOn(entries, computeMajor, computeMinor)) {
      throw new io.segmenta.kernels.BackendUnavailableException("CUDA device " + name + " has compute capability " + computeMajor + "."
          + computeMinor + "; the kernels are built for " + entries + " (Ampere, sm_80, or newer)");
    }
    cuDevicePrimaryCtxRetain(context, device);
    makeCurrent();
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

  /** JCuda contexts are per thread: every entry point makes this one current first. */
  void makeCurrent() {
    cuCtxSetCurrent(context);
  }

  /** A kernel of the K-Means module. */
  CUfunction function(String kernel) {
    return function("kmeans", kernel);
  }

  CUfunction function(String module, String kernel) {
    CUfunction f = new CUfunction();
    cuModuleGetFunction(f, modules.get(module), kernel);
    return f;
  }

  private int attribute(int attr) {
    int[] v = new int[1];
    cuDeviceGetAttribute(v, attr, device);
    return v[0];
  }

  /** The committed fatbin of a module ({@code kmeans} or {@code gmm}). */
  static byte[] fatbin(String module) {
    String path = "/io/segmenta/kernels/cuda/" + module + ".fatbin";
    try (InputStream in = CudaContext.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("CUDA kernels missing from the class path: " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    makeCurrent();
    for (CUmodule module : modules.values()) cuModuleUnload(module);
    cuDevicePrimaryCtxRelease(device);
  }
}
