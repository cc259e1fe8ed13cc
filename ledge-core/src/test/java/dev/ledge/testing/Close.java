package dev.ledge.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.tensor.Tensor;

/** Closeness assertions for real-model comparisons. */
public final class Close {
  private Close() {}

  /**
   * Asserts same shape and {@code |a - e| <= tol * max(1, |e|)} for every element (absolute for
   * small values, relative for large magnitudes); returns the largest scaled difference.
   */
  public static double assertClose(Tensor actual, Tensor expected, double tol, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.getDouble(i);
      double a = actual.getDouble(i);
      double d = Math.abs(a - e) / Math.max(1, Math.abs(e));
      if (Double.isNaN(d) && !(Double.isNaN(a) && Double.isNaN(e))) {
        d = Double.POSITIVE_INFINITY;
      }
      if (d > worst) {
        worst = d;
        worstAt = i;
      }
    }
    final int at = worstAt;
    final double w = worst;
    assertTrue(
        worst <= tol,
        () ->
            what
                + ": max scaled difference "
                + w
                + " > "
                + tol
                + " at element "
                + at
                + " (got "
                + actual.getDouble(at)
                + ", expected "
                + expected.getDouble(at)
                + ")");
    return worst;
  }
}
