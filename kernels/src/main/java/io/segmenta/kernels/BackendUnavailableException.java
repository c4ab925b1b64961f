package io.segmenta.kernels;

/** The backend that was asked for cannot run on this machine; the message says why. */
public final class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message) {
    super(message);
  }
}
