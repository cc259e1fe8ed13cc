package dev.ledge.ops.math;

import dev.ledge.LedgeException;
import dev.ledge.kernels.VectorElementwise;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;

/** The binary functions of the arithmetic, bitwise and logical operators, and their variants. */
final class BinaryFunctions {
  private BinaryFunctions() {}

  static final BinaryFn ADD =
      BinaryFn.of((a, b) -> a + b, (a, b) -> a + b).withSimd32(() -> VectorElementwise::add);
  static final BinaryFn SUB =
      BinaryFn.of((a, b) -> a - b, (a, b) -> a - b).withSimd32(() -> VectorElementwise::sub);
  static final BinaryFn MUL =
      BinaryFn.of((a, b) -> a * b, (a, b) -> a * b).withSimd32(() -> VectorElementwise::mul);

  /** Division; integers truncate toward zero (as C and the reference); x / 0 is an error. */
  static final BinaryFn DIV =
      new BinaryFn(
              (a, b) -> a / b,
              (a, b) -> a / nonZero(b),
              (a, b) -> Long.divideUnsigned(a, nonZero(b)))
          .withSimd32(() -> VectorElementwise::div);

  /** Max with NaN propagation (as numpy's maximum, which the reference uses). */
  static final BinaryFn MAX =
      new BinaryFn(Math::max, Math::max, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b)
          .withSimd32(() -> VectorElementwise::max);

  /** Min with NaN propagation. */
  static final BinaryFn MIN =
      new BinaryFn(Math::min, Math::min, (a, b) -> Long.compareUnsigned(a, b) <= 0 ? a : b)
          .withSimd32(() -> VectorElementwise::min);

  static final BinaryFn BITWISE_AND = BinaryFn.of(null, (a, b) -> a & b);
  static final BinaryFn BITWISE_OR = BinaryFn.of(null, (a, b) -> a | b);
  static final BinaryFn BITWISE_XOR = BinaryFn.of(null, (a, b) -> a ^ b);

  static final BinaryFn AND = BinaryFn.of(null, (a, b) -> a != 0 && b != 0 ? 1 : 0);
  static final BinaryFn OR = BinaryFn.of(null, (a, b) -> a != 0 || b != 0 ? 1 : 0);
  static final BinaryFn XOR = BinaryFn.of(null, (a, b) -> (a != 0) != (b != 0) ? 1 : 0);

  /** PRelu: x for x >= 0, slope * x below. */
  static final BinaryFn PRELU =
      new BinaryFn((x, s) -> x < 0 ? x * s : x, (x, s) -> x < 0 ? x * s : x, (x, s) -> x)
          .withSimd32(() -> VectorElementwise::prelu);

  /** Pow of two operands of one type; integers by exact repeated squaring (wrapping). */
  static final BinaryFn POW =
      new BinaryFn(Math::pow, BinaryFunctions::intPow, BinaryFunctions::unsignedPow);

  /**
   * Mod for a node: with {@code fmod=1} the C fmod (the sign of the dividend, for every type); with
   * {@code fmod=0} integers take the sign of the divisor (Python's %), and floating-point inputs
   * are invalid, as the spec requires fmod=1 for them.
   */
  static BinaryFn mod(OpContext ctx, DType type) {
    long fmod = ctx.attrInt("fmod", 0);
    if (fmod == 1) {
      return new BinaryFn(
          (a, b) -> a % b, // Java's floating-point % is C's fmod
          (a, b) -> a % nonZero(b),
          (a, b) -> Long.remainderUnsigned(a, nonZero(b)));
    }
    if (fmod != 0) {
      throw ctx.error("attribute 'fmod' must be 0 or 1, got " + fmod);
    }
    if (type != null && type.isFloatingPoint()) {
      throw ctx.error("floating-point input (" + type + ") requires attribute fmod=1");
    }
    return new BinaryFn(
        null,
        (a, b) -> Math.floorMod(a, nonZero(b)),
        (a, b) -> Long.remainderUnsigned(a, nonZero(b)));
  }

  /**
   * BitShift for a node's {@code direction}. Shifting by the type's width or more gives 0 (as
   * numpy), rather than Java's shift-count masking.
   */
  static BinaryFn bitShift(OpContext ctx, DType type) {
    String direction = ctx.attrString("direction", null);
    if (direction == null) {
      throw ctx.error("missing required attribute 'direction' (LEFT or RIGHT)");
    }
    return switch (direction) {
      case "LEFT" -> BinaryFn.of(null, (a, s) -> Long.compareUnsigned(s, 64) >= 0 ? 0 : a << s);
      case "RIGHT" -> BinaryFn.of(null, (a, s) -> Long.compareUnsigned(s, 64) >= 0 ? 0 : a >>> s);
      default -> throw ctx.error("attribute 'direction' must be LEFT or RIGHT, got " + direction);
    };
  }

  private static long nonZero(long divisor) {
    if (divisor == 0) {
      throw new LedgeException("integer division by zero");
    }
    return divisor;
  }

  /**
   * base^exp for signed exponents. A negative exponent gives the truncated real result (as ONNX
   * Runtime): 1 for base 1, ±1 for base -1, 0 for |base| >= 2, and an error for base 0.
   */
  static long intPow(long base, long exp) {
    if (exp < 0) {
      if (base == 1) {
        return 1;
      }
      if (base == -1) {
        return (exp & 1) == 0 ? 1 : -1;
      }
      if (base == 0) {
        throw new LedgeException("integer 0 raised to the negative power " + exp);
      }
      return 0;
    }
    return unsignedPow(base, exp);
  }

  /** base^exp modulo 2^64 with {@code exp} read as unsigned, by repeated squaring. */
  static long unsignedPow(long base, long exp) {
    long r = 1;
    while (exp != 0) {
      if ((exp & 1) != 0) {
        r *= base;
      }
      base *= base;
      exp >>>= 1;
    }
    return r;
  }
}
