package io.segmenta.model;

import io.segmenta.InvalidInputException;

/** A model file that cannot be read: not a model, truncated, corrupt, or from a newer format. */
public final class ModelFormatException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
