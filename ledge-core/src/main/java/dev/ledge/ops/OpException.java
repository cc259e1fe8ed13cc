package dev.ledge.ops;

import dev.ledge.LedgeException;

/** A node is invalid or failed: the message names the node and op. */
public class OpException extends LedgeException {
  private static final long serialVersionUID = 1L;

  public OpException(String message) {
    super(message);
  }

  public OpException(String message, Throwable cause) {
    super(message, cause);
  }
}
