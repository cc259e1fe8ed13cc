package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.doubles;
import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PowOpTest {
  @Test
  void integerPowersAreExactAndWrap() {
    Tensor y = op("Pow").in(longs(DType.INT64, 3, 3), longs(DType.INT64, 39, 41)).run();
    assertArrayEquals(new long[] {4052555153018976267L, -420491770248316829L}, y.toLongArray());
    Tensor z = op("Pow").in(longs(DType.INT32, 7), longs(DType.INT64, 12)).run();
    assertEquals((int) 13841287201L, z.getLong(0));
  }

  @Test
  void negativeIntegerExponents() {
    Tensor y =
        op("Pow").in(longs(DType.INT32, 2, 1, -1, -1), longs(DType.INT32, -1, -5, -3, -2)).run();
    assertArrayEquals(new long[] {0, 1, -1, 1}, y.toLongArray());
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> op("Pow").in(longs(DType.INT32, 0), longs(DType.INT32, -1)).run());
    assertTrue(e.getMessage().contains("negative power"), e.getMessage());
  }

  @Test
  void integerBaseWithFloatExponentTruncatesAndSaturates() {
    Tensor y =
        op("Pow")
            .in(longs(DType.INT32, 2, 4, 2, -8), vector(DType.FLOAT32, 0.5, -1, 40, 1.0 / 3))
            .run();
    assertArrayEquals(new long[] {1, 0, Integer.MAX_VALUE, 0}, y.toLongArray());
  }

  @Test
  void floatBaseWithOtherExponentTypes() {
    assertArrayEquals(
        new double[] {1, 32, 729},
        doubles(op("Pow").in(vector(DType.FLOAT32, 1, 2, 3), longs(DType.UINT64, 3, 5, 6)).run()));
    Tensor h = op("Pow").in(vector(DType.FLOAT16, 3), vector(DType.FLOAT32, 0.5)).run();
    assertEquals(DType.FLOAT16, h.dtype());
    assertEquals(1.732421875, h.getDouble(0)); // sqrt(3) rounded to half precision
  }

  @Test
  void mixedTypesNeedOpset12() {
    assertThrows(
        LedgeException.class,
        () -> op("Pow").opset(11).in(vector(DType.FLOAT32, 2), longs(DType.INT64, 2)).run());
    assertThrows(
        LedgeException.class,
        () -> op("Pow").in(vector(DType.FLOAT32, 2), OpRunner.bools(new int[] {1}, true)).run());
  }
}
