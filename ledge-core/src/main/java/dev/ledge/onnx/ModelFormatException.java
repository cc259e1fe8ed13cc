package dev.ledge.onnx;

import dev.ledge.LedgeException;

/** Bytes that are not a readable ONNX model (truncated, corrupt, unsupported encoding). */
public final class ModelFormatException extends LedgeException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
