package io.segmenta.store;

import io.segmenta.InvalidInputException;

/** A feature store that cannot be used: missing, incomplete (an interrupted ingest) or corrupt. */
public final class StoreException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
