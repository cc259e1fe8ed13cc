package dev.ledge.ops.tensor;

import static dev.ledge.ops.tensor.Tensors.assertFloats;
import static dev.ledge.ops.tensor.Tensors.assertLongs;
import static dev.ledge.ops.tensor.Tensors.assertStrings;
import static dev.ledge.ops.tensor.Tensors.f32;
import static dev.ledge.ops.tensor.Tensors.shape;
import static dev.ledge.ops.tensor.Tensors.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CastOpTest {
  private static Tensor cast(Tensor x, DType to) {
    return OpRunner.op("Cast", 25).attr("to", (long) to.onnxCode()).input(x).run1();
  }

  @Test
  void stringsParseToFloats() {
    Tensor y = cast(str(shape(6), "1.5", "INF", "-inf", "+Inf", "1e-5", " 7 "), DType.FLOAT32);
    assertFloats(
        y,
        shape(6),
        1.5f,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY,
        1e-5f,
        7f);
    assertTrue(Float.isNaN(cast(str(shape(1), "NaN"), DType.FLOAT32).getFloat(0)));
  }

  @Test
  void numbersFormatAsPlainText() {
    assertStrings(
        cast(f32(shape(4), 0.1f, 1e20f, -0.0f, 314.15926f), DType.STRING),
        shape(4),
        "0.1",
        "1e+20",
        "-0.0",
        "314.15927");
    assertStrings(
        cast(Tensors.i64(shape(2), -5, 1234567890123L), DType.STRING),
        shape(2),
        "-5",
        "1234567890123");
    assertStrings(
        cast(Tensors.of(DType.BOOL, shape(2), 1, 0), DType.STRING), shape(2), "True", "False");
    assertStrings(
        cast(Tensors.of(DType.UINT64, shape(1), -1), DType.STRING),
        shape(1),
        "18446744073709551615");
  }

  @Test
  void stringsParseToIntegersAndBools() {
    assertLongs(
        cast(str(shape(3), "-7", "100.5", "42"), DType.INT32), DType.INT32, shape(3), -7, 100, 42);
    assertLongs(cast(str(shape(3), "true", "0", "2.5"), DType.BOOL), DType.BOOL, shape(3), 1, 0, 1);
  }

  @Test
  void unparsableStringIsAnErrorNamingTheNode() {
    LedgeException e =
        assertThrows(
            LedgeException.class, () -> cast(str(shape(1), "Hello World!"), DType.FLOAT32));
    assertTrue(e.getMessage().contains("Cast"), e.getMessage());
    assertTrue(e.getMessage().contains("Hello World!"), e.getMessage());
  }

  @Test
  void integersWrapAndFloatsTruncate() {
    assertLongs(
        cast(Tensors.i64(shape(3), 300, -1, 255), DType.UINT8),
        DType.UINT8,
        shape(3),
        44,
        255,
        255);
    assertLongs(
        cast(f32(shape(4), 2.9f, -2.9f, 0.5f, 1e10f), DType.INT64),
        DType.INT64,
        shape(4),
        2,
        -2,
        0,
        10000000000L);
    Tensor big = cast(Tensor.wrap(new double[] {0x1p63 + 4096}, 1), DType.UINT64);
    assertEquals(Long.MIN_VALUE + 4096, big.getLong(0));
  }

  @Test
  void packedIntegersRoundToNearestEvenThenWrap() {
    assertLongs(
        cast(f32(shape(4), 7.5f, 6.5f, -8.5f, 2.4f), DType.INT4),
        DType.INT4,
        shape(4),
        -8,
        6,
        -8,
        2);
    assertLongs(
        cast(Tensors.of(DType.INT4, shape(3), -8, 7, -1), DType.INT8),
        DType.INT8,
        shape(3),
        -8,
        7,
        -1);
  }

  @Test
  void boolIsNonZero() {
    assertLongs(
        cast(f32(shape(4), 0f, -0f, Float.NaN, 0.1f), DType.BOOL),
        DType.BOOL,
        shape(4),
        0,
        0,
        1,
        1);
  }

  @Test
  void float64ToFloat16RoundsOnce() {
    Tensor y = cast(Tensor.wrap(new double[] {1 + 0x1p-11 + 0x1p-40}, 1), DType.FLOAT16);
    assertEquals(0x3C01, y.rawBits(0));
  }

  @Test
  void opset1NamesTheTypeAsAString() {
    Tensor y = OpRunner.op("Cast", 1).attr("to", "INT32").input(f32(shape(2), 1.7f, -3f)).run1();
    assertLongs(y, DType.INT32, shape(2), 1, -3);
  }

  @Test
  void castLikeTakesTheSecondInputsType() {
    Tensor y =
        OpRunner.op("CastLike", 21)
            .input(f32(shape(2), 1.5f, 2f))
            .input(Tensors.of(DType.INT16, shape(0)))
            .run1();
    assertLongs(y, DType.INT16, shape(2), 1, 2);
  }

  @Test
  void unknownTargetTypeIsAnError() {
    assertThrows(
        LedgeException.class,
        () -> OpRunner.op("Cast", 25).attr("to", 99L).input(f32(shape(1), 1f)).run1());
    assertThrows(
        LedgeException.class,
        () -> OpRunner.op("Cast", 1).attr("to", "QUATERNION").input(f32(shape(1), 1f)).run1());
    assertThrows(
        LedgeException.class,
        () ->
            OpRunner.op("Cast", 25)
                .attr("to", 1L)
                .attr("round_mode", "sideways")
                .input(f32(shape(1), 1f))
                .run1());
  }

  @Test
  void complexIsUnsupported() {
    Exception e = assertThrows(Exception.class, () -> cast(f32(shape(1), 1f), DType.COMPLEX64));
    assertInstanceOf(UnsupportedOpException.class, e);
  }

  @Test
  void bitCastReinterpretsBytes() {
    Tensor y =
        OpRunner.op("BitCast", 26)
            .attr("to", (long) DType.INT32.onnxCode())
            .input(f32(shape(2), 1f, -2f))
            .run1();
    assertLongs(
        y, DType.INT32, shape(2), Float.floatToRawIntBits(1f), Float.floatToRawIntBits(-2f));
    Tensor h =
        OpRunner.op("BitCast", 26)
            .attr("to", (long) DType.BFLOAT16.onnxCode())
            .input(Tensors.of(DType.UINT16, shape(1), 0x3F80))
            .run1();
    assertEquals(1.0, h.getDouble(0));
    Tensor n =
        OpRunner.op("BitCast", 26)
            .attr("to", (long) DType.UINT4.onnxCode())
            .input(Tensors.of(DType.INT4, shape(3), -1, 2, -8))
            .run1();
    assertLongs(n, DType.UINT4, shape(3), 15, 2, 8);
  }

  @Test
  void bitCastChecksWidthsAndBools() {
    assertThrows(
        LedgeException.class,
        () ->
            OpRunner.op("BitCast", 26)
                .attr("to", (long) DType.INT64.onnxCode())
                .input(f32(shape(1), 1f))
                .run1());
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                OpRunner.op("BitCast", 26)
                    .attr("to", (long) DType.BOOL.onnxCode())
                    .input(Tensors.of(DType.UINT8, shape(2), 1, 2))
                    .run1());
    assertTrue(e.getMessage().contains("not a bool"), e.getMessage());
  }
}
