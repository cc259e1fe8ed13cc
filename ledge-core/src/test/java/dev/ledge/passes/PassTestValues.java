package dev.ledge.passes;

import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;

/** Value infos for pass tests. */
final class PassTestValues {
  private PassTestValues() {}

  static ValueInfo floatInput(String name, long... shape) {
    return new ValueInfo(name, new ValueType.TensorType(DType.FLOAT32, Shape.of(shape)));
  }
}
