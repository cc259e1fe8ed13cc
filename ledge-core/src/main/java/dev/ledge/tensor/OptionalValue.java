package dev.ledge.tensor;

/**
 * An ONNX optional value: either empty or holding a {@link Tensor} or {@link TensorSequence}.
 *
 * @param value the held value, or null when empty
 */
public record OptionalValue(Object value) {
  private static final OptionalValue EMPTY = new OptionalValue(null);

  public OptionalValue {
    if (value != null && !(value instanceof Tensor) && !(value instanceof TensorSequence)) {
      throw new IllegalArgumentException("optional holds a tensor or a sequence, not " + value);
    }
  }

  public static OptionalValue empty() {
    return EMPTY;
  }

  public boolean isPresent() {
    return value != null;
  }
}
