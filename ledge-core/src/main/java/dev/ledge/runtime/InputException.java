package dev.ledge.runtime;

import dev.ledge.LedgeException;

/** A run was given a wrong input: unknown or missing name, wrong dtype or shape. */
public final class InputException extends LedgeException {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }
}
