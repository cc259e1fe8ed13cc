package dev.ledge.ops.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.SplittableRandom;

/** Tensor helpers for the nn tests. */
final class TestTensors {
  private TestTensors() {}

  /** A float32 tensor of values in [-1, 1) from a fixed seed. */
  static Tensor random(long seed, int... shape) {
    return random(DType.FLOAT32, seed, shape);
  }

  /** A tensor of the given float type with values in [-1, 1) (rounded to the type). */
  static Tensor random(DType type, long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor t = Tensor.allocate(type, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setDouble(i, r.nextDouble() * 2 - 1);
    }
    return t;
  }

  /** The elements as doubles. */
  static double[] values(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.getDouble(i);
    }
    return d;
  }

  /** Asserts shape and values within {@code tol * (1 + |expected|)}. */
  static void assertClose(int[] shape, double[] expected, Tensor actual, double tol) {
    assertArrayEquals(shape, actual.shape(), "shape");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      assertEquals(e, actual.getDouble(i), tol * (1 + Math.abs(e)), "element " + i);
    }
  }
}
