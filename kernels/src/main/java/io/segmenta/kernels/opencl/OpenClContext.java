package io.segmenta.kernels.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * One OpenCL device: its context, in-order queue and the Segmenta program built from
 * {@code kmeans.cl} and {@code gmm.cl}. Every JOCL call is checked (exceptions enabled). Closing releases them all.
 */
final class OpenClContext implements AutoCloseable {
  /** The program's sources, built together: K-Means and pairwise distances, Gaussian mixtures. */
  static final String[] SOURCES = {"/io/segmenta/kernels/opencl/kmeans.cl", "/io/segmenta/kernels/opencl/gmm.cl"};

  /** A device found on the machine, with what the backend needs to know before opening it. */
  record Candidate(cl_platform_id platform, cl_device_id device, String name, String platformName, boolean gpu, boolean fp64) {
    String describe() {
      return name + " (" + platformName + (gpu ? ", GPU" : ", CPU") + ")";
    }
  }

  final Candidate candidate;
  final cl_context context;
  final cl_command_queue queue;
  final cl_program program;
  final int computeUnits;
  final long maxWorkGroup;
  final long localMemory;
  final long globalMemory;
  final long maxAlloc;
  private final List<cl_kernel> kernels = new ArrayList<>();
  private boolean closed;

  OpenClContext(Candidate c) {
    this.candidate = c;
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, c.platform());
    context = clCreateContext(props, 1, new cl_device_id[] {c.device()}, null, null, null);
    cl_command_queue q = null;
    cl_program p = null;
    try {
      q = clCreateCommandQueueWithProperties(context, c.device(), null, null);
      p = clCreateProgramWithSource(context, SOURCES.length, sources(), null, null);
      try {
        clBuildProgram(p, 1, new cl_device_id[] {c.device()}, "-cl-std=CL1.2", null, null);
      } catch (CLException e) {
        throw new IllegalStateException("building the OpenCL kernels (kmeans.cl, gmm.cl) for " + c.describe() + " failed: " + e.getMessage() + "\n" + buildLog(p, c.device()), e);
      }
    } catch (RuntimeException e) {
      if (p != null) clReleaseProgram(p);
      if (q != null) clReleaseCommandQueue(q);
      clReleaseContext(context);
      throw e;
    }
    queue = q;
    program = p;
    computeUnits = intInfo(c.device(), CL_DEVICE_MAX_COMPUTE_UNITS);
    maxWorkGroup = sizeInfo(c.device(), CL_DEVICE_MAX_WORK_GROUP_SIZE);
    localMemory = longInfo(c.device(), CL_DEVICE_LOCAL_MEM_SIZE);
    globalMemory = longInfo(c.device(), CL_DEVICE_GLOBAL_MEM_SIZE);
    maxAlloc = longInfo(c.device(), CL_DEVICE_MAX_MEM_ALLOC_SIZE);
  }

  cl_kernel kernel(String name) {
    cl_kernel k = clCreateKernel(program, name, null);
    kernels.add(k);
    return k;
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

  static String[] sources() {
    String[] out = new String[SOURCES.length];
    for (int i = 0; i < SOURCES.length; i++) {
      try (InputStream in = OpenClContext.class.getResourceAsStream(SOURCES[i])) {
        if (in == null) throw new IllegalStateException("OpenCL kernels missing from the class path: " + SOURCES[i]);
        out[i] = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
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
    clReleaseProgram(program);
    clReleaseCommandQueue(queue);
    clReleaseContext(context);
  }
}
