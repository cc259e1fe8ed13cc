package dev.ledge.graph;

import dev.ledge.tensor.DType;

/** The type of a value flowing through a graph: a tensor, a sequence, an optional or a map. */
public sealed interface ValueType
    permits ValueType.TensorType,
        ValueType.SequenceType,
        ValueType.OptionalType,
        ValueType.MapType,
        ValueType.SparseTensorType {

  /**
   * A dense tensor.
   *
   * @param dtype element type, or null if not known yet
   * @param shape static shape, or null if even the rank is unknown
   */
  record TensorType(DType dtype, Shape shape) implements ValueType {
    @Override
    public String toString() {
      return (dtype == null ? "?" : dtype.toString()) + (shape == null ? "[?]" : shape.toString());
    }
  }

  /** A sequence of values of one type. */
  record SequenceType(ValueType element) implements ValueType {
    @Override
    public String toString() {
      return "seq(" + element + ")";
    }
  }

  /** A value that may be absent. */
  record OptionalType(ValueType element) implements ValueType {
    @Override
    public String toString() {
      return "optional(" + element + ")";
    }
  }

  /** A map from a scalar key type to values. */
  record MapType(DType key, ValueType value) implements ValueType {
    @Override
    public String toString() {
      return "map(" + key + ", " + value + ")";
    }
  }

  /** A sparse tensor (only as a type; Ledge densifies sparse initializers at load). */
  record SparseTensorType(DType dtype, Shape shape) implements ValueType {}

  static TensorType tensor(DType dtype, Shape shape) {
    return new TensorType(dtype, shape);
  }
}
