package dev.ledge.ops.math;

/**
 * An elementwise predicate of two operands of the same element type (comparisons).
 *
 * @param real for floating-point types (values widened to double; comparisons are exact)
 * @param integer for integer and bool types other than uint64 (sign- or zero-extended values)
 * @param unsigned64 for uint64 (raw 64-bit patterns)
 */
record CompareFn(Test real, LongTest integer, LongTest unsigned64) {
  /** A predicate of two doubles. */
  @FunctionalInterface
  interface Test {
    boolean test(double a, double b);
  }

  /** A predicate of two longs. */
  @FunctionalInterface
  interface LongTest {
    boolean test(long a, long b);
  }
}
