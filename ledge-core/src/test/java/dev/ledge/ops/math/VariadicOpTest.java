package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.doubles;
import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.tensor;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class VariadicOpTest {
  @Test
  void maxBroadcastsAllInputs() {
    Tensor a = tensor(DType.FLOAT32, new int[] {3, 1}, 1, 5, 9);
    Tensor b = tensor(DType.FLOAT32, new int[] {1, 4}, 0, 4, 8, 12);
    Tensor c = vector(DType.FLOAT32, 2, 2, 2, 2);
    Tensor y = op("Max").in(a, b, c).run();
    assertArrayEquals(new int[] {3, 4}, y.shape());
    assertArrayEquals(new double[] {2, 4, 8, 12, 5, 5, 8, 12, 9, 9, 9, 12}, doubles(y));
  }

  @Test
  void maxAndMinPropagateNan() {
    Tensor a = vector(DType.FLOAT32, Double.NaN, 1);
    Tensor b = vector(DType.FLOAT32, 0, Double.NaN);
    assertTrue(Double.isNaN(op("Max").in(a, b).run().getDouble(0)));
    assertTrue(Double.isNaN(op("Min").in(a, b).run().getDouble(1)));
  }

  @Test
  void unsigned64MaxIsUnsigned() {
    Tensor y = op("Max").in(longs(DType.UINT64, -1L, 3), longs(DType.UINT64, 1, 2)).run();
    assertArrayEquals(new long[] {-1L, 3}, y.toLongArray());
    Tensor z = op("Min").in(longs(DType.UINT8, 255, 3), longs(DType.UINT8, 1, 200)).run();
    assertArrayEquals(new long[] {1, 3}, z.toLongArray());
  }

  @Test
  void meanRoundsLikeTheReference() {
    // float16: 1 + 2 + 4 = 7, then 7 / 3 rounded to half precision.
    Tensor y =
        op("Mean")
            .in(vector(DType.FLOAT16, 1), vector(DType.FLOAT16, 2), vector(DType.FLOAT16, 4))
            .run();
    assertEquals(2.333984375, y.getDouble(0));
    assertArrayEquals(new double[] {3}, doubles(op("Sum").in(vector(DType.FLOAT64, 3)).run()));
  }

  @Test
  void shapesMustMatchBeforeOpset8() {
    Tensor a = vector(DType.FLOAT32, 1, 2);
    Tensor b = vector(DType.FLOAT32, 1);
    assertArrayEquals(new double[] {2, 3}, doubles(op("Sum").opset(8).in(a, b).run()));
    LedgeException e = assertThrows(LedgeException.class, () -> op("Sum").opset(6).in(a, b).run());
    assertTrue(e.getMessage().contains("same shape"), e.getMessage());
    assertThrows(LedgeException.class, () -> op("Sum").opset(6).dynamic().in(a, b).run());
  }

  @Test
  void badTypesAreErrors() {
    assertThrows(LedgeException.class, () -> op("Sum").in(longs(DType.INT32, 1)).run());
    assertThrows(
        LedgeException.class,
        () -> op("Max").in(vector(DType.FLOAT32, 1), vector(DType.FLOAT64, 1)).run());
  }
}
