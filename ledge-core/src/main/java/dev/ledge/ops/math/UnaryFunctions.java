package dev.ledge.ops.math;

import dev.ledge.kernels.VectorElementwise;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;

/** The unary functions of the operators that also take integer (or bool) inputs. */
final class UnaryFunctions {
  private UnaryFunctions() {}

  /** Absolute value; for signed integers the most negative value wraps to itself (as numpy). */
  static final UnaryFn ABS =
      new UnaryFn(Math::abs, Math::abs, x -> x).withSimd32(() -> VectorElementwise::abs);

  static final UnaryFn NEG = UnaryFn.of(x -> -x, x -> -x).withSimd32(() -> VectorElementwise::neg);

  /** Sign: -1, 0 or 1 (NaN stays NaN). */
  static final UnaryFn SIGN = new UnaryFn(Math::signum, Long::signum, x -> x == 0 ? 0 : 1);

  /** max(x, 0), NaN propagating as numpy's maximum. */
  static final UnaryFn RELU =
      new UnaryFn(x -> Math.max(x, 0), x -> Math.max(x, 0), x -> x)
          .withSimd32(() -> VectorElementwise::relu);

  static final UnaryFn BITWISE_NOT = UnaryFn.of(null, x -> ~x);

  static final UnaryFn NOT = UnaryFn.of(null, x -> x == 0 ? 1 : 0);

  /**
   * Shrink: x + bias below -lambd, x - bias above lambd, else 0. Integers compute in double and
   * convert back as the reference does (truncation toward zero).
   */
  static UnaryFn shrink(OpContext ctx, DType type) {
    double lambd = ctx.attrFloat("lambd", 0.5f);
    double bias = ctx.attrFloat("bias", 0f);
    java.util.function.DoubleUnaryOperator f =
        x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0;
    return new UnaryFn(
        f,
        x -> (long) f.applyAsDouble(x),
        x -> unsignedFromDouble(f.applyAsDouble(unsignedToDouble(x))));
  }

  /**
   * Erf. Integers go through the double result truncated toward zero, as the reference does: 0 for
   * |x| <= 5 and ±1 from |x| = 6 on, where erf rounds to exactly ±1 in double.
   */
  static final UnaryFn ERF =
      new UnaryFn(
          FloatFunctions::erf,
          x -> (long) FloatFunctions.erf(x),
          x -> (long) FloatFunctions.erf(unsignedToDouble(x)),
          () -> VectorElementwise::erf);

  static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return v >= 0 ? (double) v : d + (v & 1);
  }

  /** Truncates toward zero into [0, 2^64), saturating (NaN gives 0). */
  static long unsignedFromDouble(double v) {
    if (!(v > 0)) {
      return 0;
    }
    if (v >= 0x1p64) {
      return -1L;
    }
    return v < 0x1p63 ? (long) v : (long) (v - 0x1p63) ^ Long.MIN_VALUE;
  }
}
