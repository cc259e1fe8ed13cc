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

class UnaryOpTest {
  @Test
  void integerAbsNegSignRelu() {
    assertArrayEquals(
        new long[] {-128, 127, 0},
        op("Abs").in(longs(DType.INT8, -128, -127, 0)).run().toLongArray());
    assertEquals(-1L, op("Abs").in(longs(DType.UINT64, -1L)).run().getLong(0));
    assertArrayEquals(
        new long[] {0, 1}, op("Sign").in(longs(DType.UINT64, 0, -1L)).run().toLongArray());
    assertArrayEquals(
        new long[] {-1, 0, 1}, op("Sign").in(longs(DType.INT16, -5, 0, 7)).run().toLongArray());
    assertArrayEquals(
        new long[] {5, -7}, op("Neg").in(longs(DType.INT32, -5, 7)).run().toLongArray());
    assertArrayEquals(
        new long[] {0, 3}, op("Relu").in(longs(DType.INT64, -3, 3)).run().toLongArray());
  }

  @Test
  void roundIsHalfToEven() {
    double[] y =
        doubles(op("Round").in(vector(DType.FLOAT32, 0.5, 1.5, 2.5, -0.5, -2.5, 2.6)).run());
    assertArrayEquals(new double[] {0, 2, 2, -0.0, -2, 3}, y);
  }

  @Test
  void float16ResultsAreRoundedFromFloat() {
    // e rounded to half precision: 2.71875.
    assertEquals(2.71875, op("Exp").in(vector(DType.FLOAT16, 1)).run().getDouble(0));
    assertEquals(2.71875, op("Exp").in(vector(DType.BFLOAT16, 1)).run().getDouble(0));
  }

  @Test
  void activationsUseTheirAttributes() {
    Tensor x = vector(DType.FLOAT64, -1, 2);
    assertArrayEquals(new double[] {Math.expm1(-1), 2}, doubles(op("Elu").in(x).run()), 1e-15);
    assertArrayEquals(
        new double[] {-0.2f, 2}, doubles(op("LeakyRelu").attr("alpha", 0.2f).in(x).run()), 0);
    assertArrayEquals(
        new double[] {0, 2}, doubles(op("ThresholdedRelu").attr("alpha", 1.5f).in(x).run()));
    assertArrayEquals(
        new double[] {0.5 - 0.25, 1},
        doubles(op("HardSigmoid").attr("alpha", 0.25f).attr("beta", 0.5f).in(x).run()));
    assertArrayEquals(
        new double[] {2 * Math.expm1(-0.5), 2},
        doubles(op("Celu").attr("alpha", 2f).in(x).run()),
        1e-15);
    double[] hs = doubles(op("HardSwish").in(vector(DType.FLOAT64, -4, 1, 4)).run());
    assertArrayEquals(new double[] {0, 1 * (1 / 6.0 + 0.5), 4}, hs, 1e-15);
  }

  @Test
  void softplusAndSigmoidDoNotOverflow() {
    double[] sp = doubles(op("Softplus").in(vector(DType.FLOAT32, 100, -100, 0)).run());
    assertEquals(100, sp[0]);
    assertEquals((float) Math.exp(-100), sp[1]);
    assertEquals((float) Math.log(2), sp[2]);
    double[] sg = doubles(op("Sigmoid").in(vector(DType.FLOAT64, -800, 800)).run());
    assertArrayEquals(new double[] {0, 1}, sg);
    assertEquals(100, op("Mish").in(vector(DType.FLOAT32, 100)).run().getDouble(0));
  }

  @Test
  void geluForms() {
    double[] exact = doubles(op("Gelu").in(vector(DType.FLOAT64, 1, -1)).run());
    assertEquals(0.8413447460685429, exact[0], 1e-15);
    assertEquals(-0.15865525393145707, exact[1], 1e-15);
    double[] tanh =
        doubles(op("Gelu").attr("approximate", "tanh").in(vector(DType.FLOAT64, 1)).run());
    assertEquals(0.8411919906082768, tanh[0], 1e-15);
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> op("Gelu").attr("approximate", "fast").in(vector(DType.FLOAT32, 1)).run());
    assertTrue(e.getMessage().contains("approximate"), e.getMessage());
  }

  @Test
  void shrinkOnIntegersTruncates() {
    Tensor y =
        op("Shrink")
            .attr("lambd", 1.5f)
            .attr("bias", 1.5f)
            .in(longs(DType.INT32, -3, -1, 0, 1, 3))
            .run();
    assertArrayEquals(new long[] {-1, 0, 0, 0, 1}, y.toLongArray());
  }

  @Test
  void integerErfTruncatesTheDoubleResult() {
    assertArrayEquals(
        new long[] {-1, 0, 0, 0, 0, 1, 1},
        op("Erf").in(longs(DType.INT32, -6, -5, -1, 0, 5, 6, 1000)).run().toLongArray());
    assertEquals(1, op("Erf").in(longs(DType.UINT64, -1L)).run().getLong(0));
  }

  @Test
  void notAndBitwiseNot() {
    assertArrayEquals(
        new long[] {0, 1},
        op("Not").in(OpRunner.bools(new int[] {2}, true, false)).run().toLongArray());
    assertArrayEquals(
        new long[] {65535, 0},
        op("BitwiseNot").in(longs(DType.UINT16, 0, 65535)).run().toLongArray());
  }

  @Test
  void wrongTypesAreErrorsOrUnsupported() {
    LedgeException e =
        assertThrows(LedgeException.class, () -> op("Sqrt").in(longs(DType.INT32, 4)).run());
    assertTrue(e.getMessage().contains("expected one of"), e.getMessage());
    assertThrows(LedgeException.class, () -> op("Neg").in(longs(DType.UINT8, 4)).run());
    assertThrows(LedgeException.class, () -> op("Not").in(vector(DType.FLOAT32, 1)).run());
  }

  @Test
  void wrongInputCountIsAnError() {
    assertThrows(
        LedgeException.class,
        () -> op("Abs").in(vector(DType.FLOAT32, 1), vector(DType.FLOAT32, 1)).run());
  }
}
