package dev.ledge.train.ops;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Type and shape checks shared by the training operators. Every training kernel exists for float32
 * (training) and float64 (gradient checks against finite differences); other types are unsupported.
 */
final class FloatTypes {
  private FloatTypes() {}

  /** Input {@code i} must be given and float32 or float64 (if known); returns its type or null. */
  static DType require(OpContext ctx, int i) {
    if (!ctx.hasInput(i)) {
      throw ctx.error("input " + i + " is required");
    }
    DType t = ctx.inputDType(i);
    if (t == null || t == DType.FLOAT32 || t == DType.FLOAT64) {
      return t;
    }
    if (t.isFloatingPoint()) {
      throw ctx.unsupported(
          "input "
              + i
              + " ('"
              + ctx.node().input(i)
              + "') is "
              + t
              + "; training kernels exist"
              + " for float32 and float64 only");
    }
    throw ctx.error(
        "input "
            + i
            + " ('"
            + ctx.node().input(i)
            + "') is "
            + t
            + ", expected float32 or float64");
  }

  /** Inputs {@code i} and {@code j} must have the same type (when both are known). */
  static DType same(OpContext ctx, int i, int j) {
    DType a = require(ctx, i);
    DType b = require(ctx, j);
    if (a != null && b != null && a != b) {
      throw ctx.error(
          "input "
              + j
              + " ('"
              + ctx.node().input(j)
              + "') is "
              + b
              + ", expected "
              + a
              + " like input "
              + i);
    }
    return a != null ? a : b;
  }

  /** Input {@code i} must be int32 or int64 (if known). */
  static void requireIndices(OpContext ctx, int i) {
    ctx.requireInputType(i, DType.INT32, DType.INT64);
  }

  /** Run-time check that two inputs have the same shape. */
  static void sameShape(ExecContext ctx, Tensor a, Tensor b, String what) {
    if (!a.sameShape(b)) {
      throw ctx.error(
          what
              + ": shapes "
              + Arrays.toString(a.shape())
              + " and "
              + Arrays.toString(b.shape())
              + " differ");
    }
  }

  /** Run-time check of a dtype (inputs whose type was unknown at prepare time). */
  static void sameType(ExecContext ctx, Tensor a, Tensor b) {
    if (a.dtype() != b.dtype()) {
      throw ctx.error("inputs have types " + a.dtype() + " and " + b.dtype() + ", expected one");
    }
    if (a.dtype() != DType.FLOAT32 && a.dtype() != DType.FLOAT64) {
      throw ctx.error("input is " + a.dtype() + ", expected float32 or float64");
    }
  }

  /** The static rank of input {@code i}, or -1. */
  static int rank(OpContext ctx, int i) {
    Shape s = ctx.inputShape(i);
    return s == null ? -1 : s.rank();
  }
}
