package dev.ledge.ops.math;

import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * An elementwise function of one operand in the arithmetic domains Ledge computes in.
 *
 * @param real for floating-point types: float16, bfloat16 and float32 values are widened to double
 *     and the result is rounded back to the element type (as ONNX Runtime and the reference compute
 *     reduced-precision floats); null if the function has no floating-point form
 * @param integer for integer and bool types other than uint64: the value sign- or zero-extended to
 *     a long; the result wraps to the element type's width; null if not defined for integers
 * @param unsigned64 for uint64: the raw 64-bit pattern; null if not defined for uint64
 */
record UnaryFn(DoubleUnaryOperator real, LongUnaryOperator integer, LongUnaryOperator unsigned64) {
  /** A function of floating-point values only. */
  static UnaryFn real(DoubleUnaryOperator f) {
    return new UnaryFn(f, null, null);
  }

  /** A function whose integer form needs no unsigned special case (e.g. bitwise not). */
  static UnaryFn of(DoubleUnaryOperator real, LongUnaryOperator integer) {
    return new UnaryFn(real, integer, integer);
  }
}
