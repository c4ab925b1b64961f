package io.segmenta.kernels.gpu;

import io.segmenta.kernels.BackendKind;

/**
 * The device layer: the little that {@link GpuBackend} needs of a GPU API, implemented once for CUDA
 * (JCuda, driver API) and once for OpenCL (JOCL). Everything else of the backend, the layouts, chunk
 * plans, staging, the K-Means step, GMM passes, pairwise tiles, resource guards, fault injection and
 * error messages, is written once above it. After FAISS's {@code GpuResources}: streams, memory and
 * handles stay behind this interface.
 *
 * <p>The backend calls it under its own lock, after {@link #enter}. Failures of the API itself
 * (JCuda's {@code CudaException}, JOCL's {@code CLException}) come out as they are; {@link
 * #isApiFailure} tells them from other exceptions so the backend can name the operation that failed.
 */
public interface Device extends AutoCloseable {

  /**
   * What the backend needs to know of the device, read once when it is opened.
   *
   * @param api the API's name in messages ({@code CUDA}, {@code OpenCL})
   * @param id the backend's name and the prefix of its system properties ({@code cuda}, {@code opencl})
   * @param device the device in messages
   * @param summary the device in {@link io.segmenta.kernels.BackendInfo}
   * @param gpu whether the device is a GPU (an OpenCL CPU device gets the flat assignment kernel)
   * @param computeUnits multiprocessors or compute units: the update runs a few partitions per unit
   * @param maxGroup the most work-items (threads) a group (block) may have
   * @param localMemory local (CUDA: shared, with the opt-in) memory one group may have
   * @param memoryLimit what the resource guard holds a step to: every buffer at once ({@code
   *     perBuffer} false) or the largest one ({@code perBuffer} true)
   * @param limitWhat how a refusal names that limit
   */
  record Properties(String api, String id, BackendKind kind, String device, String summary, boolean gpu, int computeUnits,
      int maxGroup, long localMemory, long memoryLimit, boolean perBuffer, String limitWhat) {}

  /** A queue of work: a CUDA stream, an OpenCL command queue. Work on one queue runs in order. */
  interface Queue extends AutoCloseable {
    @Override
    void close();
  }

  /** A kernel of a loaded module: a CUDA function, an OpenCL kernel object. */
  interface Function {}

  Properties properties();

  /** Makes the device current on the calling thread (a CUDA context is per thread); a no-op for OpenCL. */
  void enter();

  /** Bytes of data that may stay resident on the device (labels, distances and scratch need the rest). */
  long residentBudget();

  /** Device memory of {@code bytes} (at least 4) bytes. */
  DeviceBuffer allocate(long bytes);

  /** Host memory that asynchronous copies can read (page-locked where the API has it). */
  HostBuffer allocateHost(long bytes);

  /**
   * Blocking copies between Java arrays and device memory: {@code len} values from {@code from} in
   * the array, {@code offset} bytes into the device buffer. (Typed arrays, not {@code java.nio}
   * buffers: JOCL 2.0.6's pointer to a heap buffer ignores the buffer's position.)
   */
  void write(DeviceBuffer dst, long offset, float[] src, int from, int len);

  void write(DeviceBuffer dst, long offset, int[] src, int from, int len);

  void read(DeviceBuffer src, long offset, float[] dst, int from, int len);

  void read(DeviceBuffer src, long offset, int[] dst, int from, int len);

  void read(DeviceBuffer src, long offset, double[] dst, int from, int len);

  /** Sets the first {@code words} 32-bit words of {@code dst} to {@code value}. */
  void fill(DeviceBuffer dst, int value, long words);

  /** The queue that exists as long as the device: plain calls run on it. */
  Queue mainQueue();

  /** Another queue, for work that overlaps the main one (CUDA: a non-blocking stream). */
  Queue newQueue();

  /** Queues a copy of {@code bytes} from host to device memory on {@code q}. */
  void copy(HostBuffer src, DeviceBuffer dst, long bytes, Queue q);

  /** Waits until the work queued on {@code q} is done. */
  void await(Queue q);

  /** Waits until all queued work is done. */
  void synchronize();

  /** Kernel {@code name} of {@code module} (one fatbin or OpenCL program per kernel file: kmeans, gmm). */
  Function function(String module, String name);

  /**
   * Queues {@code f} on {@code q} over {@code g}, with {@code args} in order: {@link DeviceBuffer}s
   * and {@link Integer}s, then {@code g.localBytes()} of dynamic local memory where it is not 0.
   * May return before the kernel ends.
   */
  void launch(Function f, Object[] args, Geometry g, Queue q);

  /** Whether {@code e} is a failure reported by the API (a device error, not a bug of the caller). */
  boolean isApiFailure(RuntimeException e);

  /** Releases the modules, queues and context. */
  @Override
  void close();
}
