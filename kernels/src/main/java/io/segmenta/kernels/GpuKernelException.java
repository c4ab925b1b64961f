package io.segmenta.kernels;

/** A device kernel or call failed in the middle of a run (out of memory, a failed launch); the message names it. */
public final class GpuKernelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GpuKernelException(String message, Throwable cause) {
    super(message, cause);
  }
}
