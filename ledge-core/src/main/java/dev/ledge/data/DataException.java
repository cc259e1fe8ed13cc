package dev.ledge.data;

import dev.ledge.LedgeException;

/** A pinned package could not be fetched, extracted or verified. */
public final class DataException extends LedgeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
