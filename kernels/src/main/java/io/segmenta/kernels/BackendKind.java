package io.segmenta.kernels;

/** The families of compute backends, in the order {@code auto} prefers them. */
public enum BackendKind {
  CUDA,
  OPENCL,
  CPU
}
