package dev.ledge.ops.sequence;

import dev.ledge.graph.ValueType;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;

/** Checks and conversions the sequence operators share. */
final class Sequences {
  private Sequences() {}

  /** The static element type of sequence input {@code i}, or null if unknown. */
  static ValueType.TensorType elementType(OpContext ctx, int i) {
    ValueType t = ctx.inputType(i);
    if (t == null) {
      return null;
    }
    if (!(t instanceof ValueType.SequenceType s)) {
      throw ctx.error(
          "input " + i + " ('" + ctx.node().input(i) + "') is " + t + ", expected a sequence");
    }
    return s.element() instanceof ValueType.TensorType tt ? tt : null;
  }

  /** The element dtype of sequence input {@code i}, or null if unknown. */
  static DType elementDType(OpContext ctx, int i) {
    ValueType.TensorType t = elementType(ctx, i);
    return t == null ? null : t.dtype();
  }

  /** A sequence type of tensors of {@code dtype} whose shapes are not known. */
  static ValueType.SequenceType sequenceOf(DType dtype) {
    return new ValueType.SequenceType(new ValueType.TensorType(dtype, null));
  }

  /** Checks that the optional {@code position} input is an int32 or int64 tensor. */
  static void requirePositionType(OpContext ctx, int i) {
    if (ctx.hasInput(i)) {
      ctx.requireInputType(i, DType.INT32, DType.INT64);
    }
  }

  /** Sequence input {@code i} at run time; a clear error if it is something else. */
  static TensorSequence sequence(ExecContext ctx, int i) {
    Object v = ctx.inputValue(i);
    if (v instanceof TensorSequence s) {
      return s;
    }
    throw ctx.error("input " + i + " is " + describe(v) + ", expected a sequence");
  }

  /**
   * The scalar {@code position} input normalized into {@code [0, size]} (when {@code allowEnd}) or
   * {@code [0, size - 1]}; negative positions count from the back.
   */
  static int position(ExecContext ctx, int i, int size, boolean allowEnd) {
    Tensor p = ctx.input(i);
    if (p.size() != 1 || p.rank() > 1) {
      throw ctx.error(
          "position has shape " + java.util.Arrays.toString(p.shape()) + ", expected a scalar");
    }
    long v = p.getLong(0);
    long max = allowEnd ? size : size - 1;
    if (v < -size || v > max) {
      throw ctx.error(
          "position "
              + v
              + " is out of range for a sequence of "
              + size
              + " tensors (expected "
              + -size
              + ".."
              + max
              + ")");
    }
    return (int) (v < 0 ? v + size : v);
  }

  /** Checks that a tensor joining a sequence has the sequence's element type. */
  static void requireElementType(ExecContext ctx, TensorSequence s, Tensor t) {
    if (s.elementType() != null && s.elementType() != t.dtype()) {
      throw ctx.error(
          "tensor of type " + t.dtype() + " cannot join a sequence of " + s.elementType());
    }
  }

  static String describe(Object v) {
    return v == null ? "missing" : v.toString();
  }
}
