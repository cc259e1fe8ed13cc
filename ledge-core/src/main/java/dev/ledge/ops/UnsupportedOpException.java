package dev.ledge.ops;

/**
 * The model is valid ONNX but uses an operator, opset, type or attribute value Ledge does not
 * implement. Distinct from a failure so that tools can report "unsupported" honestly.
 */
public final class UnsupportedOpException extends OpException {
  private static final long serialVersionUID = 1L;

  public UnsupportedOpException(String message) {
    super(message);
  }
}
