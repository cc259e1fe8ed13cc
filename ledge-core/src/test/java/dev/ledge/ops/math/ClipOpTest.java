package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.doubles;
import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ClipOpTest {
  @Test
  void boundsAsInputs() {
    Tensor x = vector(DType.FLOAT32, -3, 0, 3, Double.NaN);
    double[] y = doubles(op("Clip").in(x, Tensor.scalar(-1f), Tensor.scalar(1f)).run());
    assertArrayEquals(new double[] {-1, 0, 1, Double.NaN}, y);
    double[] onlyMax = doubles(op("Clip").in(x).omitted().in(Tensor.scalar(1f)).run());
    assertArrayEquals(new double[] {-3, 0, 1, Double.NaN}, onlyMax);
    // min > max: every element becomes max.
    double[] swapped = doubles(op("Clip").in(x, Tensor.scalar(2f), Tensor.scalar(1f)).run());
    assertArrayEquals(new double[] {1, 1, 1, Double.NaN}, swapped);
  }

  @Test
  void integerBounds() {
    Tensor lo = longs(DType.UINT64, 5).reshape();
    Tensor hi = longs(DType.UINT64, -2L).reshape();
    Tensor y = op("Clip").in(longs(DType.UINT64, 1, 7, -1L), lo, hi).run();
    assertArrayEquals(new long[] {5, 7, -2L}, y.toLongArray());
    Tensor z =
        op("Clip").in(longs(DType.INT8, -100, 100)).in(longs(DType.INT8, -5).reshape()).run();
    assertArrayEquals(new long[] {-5, 100}, z.toLongArray());
  }

  @Test
  void attributeBoundsBeforeOpset11() {
    Tensor x = vector(DType.FLOAT64, -1e300, 0, 1e300);
    double[] v6 = doubles(op("Clip").opset(6).in(x).run());
    assertArrayEquals(new double[] {-Float.MAX_VALUE, 0, Float.MAX_VALUE}, v6);
    double[] v1 = doubles(op("Clip").opset(1).attr("max", 0.5f).in(x).run());
    assertArrayEquals(new double[] {-1e300, 0, 0.5}, v1);
  }

  @Test
  void nonScalarBoundsAreErrors() {
    Tensor x = vector(DType.FLOAT32, 1, 2);
    LedgeException e =
        assertThrows(
            LedgeException.class, () -> op("Clip").in(x, vector(DType.FLOAT32, 0, 1)).run());
    assertTrue(e.getMessage().contains("scalar"), e.getMessage());
    assertThrows(
        LedgeException.class, () -> op("Clip").dynamic().in(x, vector(DType.FLOAT32, 0, 1)).run());
    assertThrows(LedgeException.class, () -> op("Clip").in(x, longs(DType.INT32, 0)).run());
  }
}
