package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class FloatClassOpTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void isInfHonoursTheSignAttributes() {
    Tensor x = vector(DType.FLOAT64, -INF, INF, Double.NaN, 1);
    assertArrayEquals(new long[] {1, 1, 0, 0}, op("IsInf").in(x).run().toLongArray());
    assertArrayEquals(
        new long[] {1, 0, 0, 0}, op("IsInf").attr("detect_positive", 0L).in(x).run().toLongArray());
    assertArrayEquals(
        new long[] {0, 1, 0, 0}, op("IsInf").attr("detect_negative", 0L).in(x).run().toLongArray());
  }

  @Test
  void float8Encodings() {
    // Raw codes: setDouble would saturate the infinity to the largest finite value.
    Tensor e5m2 = Tensor.allocate(DType.FLOAT8E5M2, 3);
    e5m2.setRawBits(0, 0xFC); // -inf
    e5m2.setRawBits(1, 0x7E); // NaN
    e5m2.setRawBits(2, 0x40); // 2.0
    assertArrayEquals(new long[] {1, 0, 0}, op("IsInf").in(e5m2).run().toLongArray());
    assertArrayEquals(new long[] {0, 1, 0}, op("IsNaN").in(e5m2).run().toLongArray());
    Tensor bf16 = vector(DType.BFLOAT16, Double.NaN, 1);
    assertArrayEquals(new long[] {1, 0}, op("IsNaN").in(bf16).run().toLongArray());
  }

  @Test
  void integerInputIsAnError() {
    assertThrows(LedgeException.class, () -> op("IsNaN").in(longs(DType.INT32, 1)).run());
  }
}
