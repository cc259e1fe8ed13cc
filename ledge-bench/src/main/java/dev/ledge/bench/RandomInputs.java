package dev.ledge.bench;

import dev.ledge.LedgeException;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.Tensor;
import java.util.Random;

/** Random inputs of a declared type: symbolic dims become 1. */
final class RandomInputs {
  private RandomInputs() {}

  static Tensor of(ValueInfo v, Random rnd) {
    if (!(v.type() instanceof ValueType.TensorType tt)
        || tt.dtype() == null
        || tt.shape() == null) {
      throw new LedgeException(
          "input '" + v.name() + "' has no static tensor type; give it with --input");
    }
    int[] shape = new int[tt.shape().rank()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = tt.shape().dim(i).isKnown() ? (int) tt.shape().dim(i).value() : 1;
    }
    return of(v, shape, rnd);
  }

  /** Random values of the input's dtype in the given shape. */
  static Tensor of(ValueInfo v, int[] shape, Random rnd) {
    if (!(v.type() instanceof ValueType.TensorType tt) || tt.dtype() == null) {
      throw new LedgeException(
          "input '" + v.name() + "' has no static tensor type; give it with --input");
    }
    Tensor t = Tensor.allocate(tt.dtype(), shape);
    for (int i = 0; i < t.size(); i++) {
      switch (tt.dtype().kind()) {
        case FLOAT -> t.setDouble(i, rnd.nextDouble() * 2 - 1);
        case SIGNED, UNSIGNED -> t.setLong(i, rnd.nextInt(10));
        case BOOL -> t.setBoolean(i, rnd.nextBoolean());
        default ->
            throw new LedgeException(
                "cannot make random " + tt.dtype() + " input '" + v.name() + "'");
      }
    }
    return t;
  }
}
