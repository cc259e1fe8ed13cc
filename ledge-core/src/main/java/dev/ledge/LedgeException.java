package dev.ledge;

/**
 * Root of every error Ledge reports on purpose. Messages say what went wrong, where (model, node,
 * op, input, file) and, where it applies, what was expected versus what was found.
 */
public class LedgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LedgeException(String message) {
    super(message);
  }

  public LedgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
