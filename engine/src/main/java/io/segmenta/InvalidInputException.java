package io.segmenta;

/**
 * Bad input or a bad parameter. The message names the file, row, column or parameter at fault;
 * the CLI turns it into exit code 2.
 */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
