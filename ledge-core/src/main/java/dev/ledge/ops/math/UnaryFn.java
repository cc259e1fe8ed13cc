package dev.ledge.ops.math;

import dev.ledge.kernels.FloatUnaryKernel;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * An elementwise function of one operand in the arithmetic domains Ledge computes in.
 *
 * @param real for floating-point types: float16, bfloat16 and float32 values are widened to double
 *     and the result is rounded back to the element type (as ONNX Runtime and the reference compute
 *     reduced-precision floats); null if the function has no floating-point form
 * @param integer for integer and bool types other than uint64: the value sign- or zero-extended to
 *     a long; the result wraps to the element type's width; null if not defined for integers
 * @param unsigned64 for uint64: the raw 64-bit pattern; null if not defined for uint64
 * @param simd32 the SIMD (Vector API) float32 kernel computing {@code real} within the bound its
 *     {@code VectorElementwise} method states, or null; a supplier so that the Vector API classes
 *     load only when SIMD kernels are in use
 */
record UnaryFn(
    DoubleUnaryOperator real,
    LongUnaryOperator integer,
    LongUnaryOperator unsigned64,
    Supplier<FloatUnaryKernel> simd32) {
  UnaryFn(DoubleUnaryOperator real, LongUnaryOperator integer, LongUnaryOperator unsigned64) {
    this(real, integer, unsigned64, null);
  }

  /** This function with a SIMD float32 kernel. */
  UnaryFn withSimd32(Supplier<FloatUnaryKernel> kernel) {
    return new UnaryFn(real, integer, unsigned64, kernel);
  }

  /** A function of floating-point values only. */
  static UnaryFn real(DoubleUnaryOperator f) {
    return new UnaryFn(f, null, null);
  }

  /** A function whose integer form needs no unsigned special case (e.g. bitwise not). */
  static UnaryFn of(DoubleUnaryOperator real, LongUnaryOperator integer) {
    return new UnaryFn(real, integer, integer);
  }
}
