package io.segmenta.kernels;

/**
 * Data resident on a backend, in that backend's own layout, so that iterations do not pay the
 * transfer (or, on the CPU, the repacking) again. Closing it frees the device memory.
 */
public interface DeviceMatrix extends AutoCloseable {
  long rows();

  int cols();

  /** Whether per-row sample weights were uploaded with the data. */
  boolean weighted();

  /** The backend that owns this data; operations must be called on that backend. */
  ComputeBackend owner();

  @Override
  void close();
}
