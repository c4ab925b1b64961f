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
 * One CUDA device's primary context and the Segmenta module loaded into it. Every JCuda call is
 * checked (JCuda throws {@code CudaException} on any error code once exceptions are enabled).
 * Closing it unloads the module and releases the context.
 */
final class CudaContext implements AutoCloseable {
  static final String FATBIN = "/io/segmenta/kernels/cuda/kmeans.fatbin";

  final CUdevice device = new CUdevice();
  final CUcontext context = new CUcontext();
  final CUmodule module = new CUmodule();
  final String name;
  final int multiprocessors;
  final int maxThreadsPerBlock;
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
    computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    long[] mem = new long[1];
    cuDeviceTotalMem(mem, device);
    totalMemory = mem[0];
    byte[] image = fatbin();
    java.util.List<Fatbin.Entry> entries = Fatbin.parse(image);
    if (!Fatbin.runsOn(entries, computeMajor, computeMinor)) {
      throw new io.segmenta.kernels.BackendUnavailableException("CUDA device " + name + " has compute capability " + computeMajor + "."
          + computeMinor + "; the kernels are built for " + entries + " (Ampere, sm_80, or newer)");
    }
    cuDevicePrimaryCtxRetain(context, device);
    makeCurrent();
    // Loaded through the driver: nvcc 13's PTX is newer than JCuda's own PTX compiler accepts.
    cuModuleLoadFatBinary(module, image);
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

  CUfunction function(String kernel) {
    CUfunction f = new CUfunction();
    cuModuleGetFunction(f, module, kernel);
    return f;
  }

  private int attribute(int attr) {
    int[] v = new int[1];
    cuDeviceGetAttribute(v, attr, device);
    return v[0];
  }

  static byte[] fatbin() {
    try (InputStream in = CudaContext.class.getResourceAsStream(FATBIN)) {
      if (in == null) throw new IllegalStateException("CUDA kernels missing from the class path: " + FATBIN);
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
    cuModuleUnload(module);
    cuDevicePrimaryCtxRelease(device);
  }
}
