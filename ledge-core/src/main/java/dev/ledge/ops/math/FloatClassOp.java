package dev.ledge.ops.math;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.EnumSet;
import java.util.Set;

/**
 * IsNaN and IsInf: a bool tensor telling which elements are NaN, or infinite (IsInf's {@code
 * detect_negative} / {@code detect_positive} choose the signs). Takes every floating-point type
 * including the float8 formats (opset 20), whose NaN and infinity encodings the decoder maps.
 */
final class FloatClassOp implements Operator {
  private static final Set<DType> TYPES =
      ElementTypes.union(
          ElementTypes.FLOATS,
          EnumSet.of(
              DType.FLOAT8E4M3FN, DType.FLOAT8E4M3FNUZ, DType.FLOAT8E5M2, DType.FLOAT8E5M2FNUZ));

  private final boolean inf;

  private FloatClassOp(boolean inf) {
    this.inf = inf;
  }

  static FloatClassOp isNaN() {
    return new FloatClassOp(false);
  }

  static FloatClassOp isInf() {
    return new FloatClassOp(true);
  }

  /** Which values a node reports. */
  @FunctionalInterface
  private interface Test {
    boolean test(double v);
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ElementTypes.require(ctx, 0, TYPES);
    Test test;
    if (inf) {
      boolean negative = ctx.attrInt("detect_negative", 1) != 0;
      boolean positive = ctx.attrInt("detect_positive", 1) != 0;
      test =
          v ->
              (positive && v == Double.POSITIVE_INFINITY)
                  || (negative && v == Double.NEGATIVE_INFINITY);
    } else {
      test = Double::isNaN;
    }
    ctx.setOutput(0, DType.BOOL, ctx.inputShape(0));
    return exec -> {
      Tensor in = exec.input(0);
      if (!TYPES.contains(in.dtype())) {
        throw exec.error("input has type " + in.dtype() + ", expected one of " + TYPES);
      }
      Tensor out = exec.outputLike(0, DType.BOOL, in);
      byte[] z = out.bytes();
      int oo = out.offset();
      int n = in.size();
      switch (in.dtype()) {
        case FLOAT32 -> {
          float[] x = in.floats();
          for (int k = 0, i = in.offset(); k < n; k++, i++) {
            z[oo + k] = test.test(x[i]) ? (byte) 1 : 0;
          }
        }
        case FLOAT64 -> {
          double[] x = in.doubles();
          for (int k = 0, i = in.offset(); k < n; k++, i++) {
            z[oo + k] = test.test(x[i]) ? (byte) 1 : 0;
          }
        }
        default -> {
          for (int k = 0; k < n; k++) {
            z[oo + k] = test.test(in.getDouble(k)) ? (byte) 1 : 0;
          }
        }
      }
    };
  }
}
