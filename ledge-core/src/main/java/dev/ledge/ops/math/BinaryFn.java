package dev.ledge.ops.math;

import dev.ledge.kernels.FloatBinaryKernel;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.Supplier;

/**
 * An elementwise function of two operands of the same element type, in the arithmetic domains Ledge
 * computes in (see {@link UnaryFn} for the meaning of each form).
 *
 * @param real floating-point form (operands widened to double, result rounded to the type), or null
 * @param integer form for integer and bool types other than uint64 (sign- or zero-extended
 *     operands; the result wraps), or null
 * @param unsigned64 form for uint64 (raw 64-bit patterns), or null
 * @param simd32 the SIMD float32 kernel computing {@code real} (bit-exact for the functions that
 *     have one), or null; a supplier so that the Vector API classes load only when used
 */
record BinaryFn(
    DoubleBinaryOperator real,
    LongBinaryOperator integer,
    LongBinaryOperator unsigned64,
    Supplier<FloatBinaryKernel> simd32) {
  BinaryFn(DoubleBinaryOperator real, LongBinaryOperator integer, LongBinaryOperator unsigned64) {
    this(real, integer, unsigned64, null);
  }

  /** This function with a SIMD float32 kernel. */
  BinaryFn withSimd32(Supplier<FloatBinaryKernel> kernel) {
    return new BinaryFn(real, integer, unsigned64, kernel);
  }

  /** A function whose integer form is also right for uint64 bit patterns (add, and, ...). */
  static BinaryFn of(DoubleBinaryOperator real, LongBinaryOperator integer) {
    return new BinaryFn(real, integer, integer);
  }
}
