package dev.ledge.ops.math;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * An elementwise function of two operands of the same element type, in the arithmetic domains Ledge
 * computes in (see {@link UnaryFn} for the meaning of each form).
 *
 * @param real floating-point form (operands widened to double, result rounded to the type), or null
 * @param integer form for integer and bool types other than uint64 (sign- or zero-extended
 *     operands; the result wraps), or null
 * @param unsigned64 form for uint64 (raw 64-bit patterns), or null
 */
record BinaryFn(
    DoubleBinaryOperator real, LongBinaryOperator integer, LongBinaryOperator unsigned64) {
  /** A function whose integer form is also right for uint64 bit patterns (add, and, ...). */
  static BinaryFn of(DoubleBinaryOperator real, LongBinaryOperator integer) {
    return new BinaryFn(real, integer, integer);
  }
}
