package io.segmenta.server;

/**
 * A request the server refuses: the HTTP status and a message for the client that names the field,
 * row, column or parameter at fault. Its message is sent as {@code {"error": "..."}}; nothing else
 * about the server (no stack trace, no file path) reaches the client.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
