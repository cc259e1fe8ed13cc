package dev.ledge.ops.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeHarness;
import org.junit.jupiter.api.Test;

class QuantizeLinearTest {
  private static Tensor of(DType t, long[] values, int... shape) {
    Tensor x = Tensor.allocate(t, shape);
    for (int i = 0; i < values.length; i++) {
      x.setLong(i, values[i]);
    }
    return x;
  }

  private static Tensor quantize(Tensor x, Tensor scale, Tensor zp, Attribute... attrs) {
    NodeHarness h = NodeHarness.op("QuantizeLinear", 25).input("x", x).input("s", scale);
    if (zp != null) {
      h.input("z", zp);
    }
    for (Attribute a : attrs) {
      h.attr(a);
    }
    return h.run1();
  }

  @Test
  void roundsHalfToEvenAndSaturates() {
    Tensor x = Tensor.ofFloats(2.5f, 3.5f, -2.5f, -0.5f, 1000f, -1000f, Float.NaN, 0.49999997f);
    Tensor y = quantize(x, Tensor.scalar(1f), of(DType.INT8, new long[] {0}));
    assertEquals(DType.INT8, y.dtype());
    assertArrayEquals(new long[] {2, 4, -2, 0, 127, -128, -128, 0}, y.toLongArray());
    Tensor u = quantize(Tensor.ofFloats(2.5f, -3f), Tensor.scalar(1f), null);
    assertEquals(DType.UINT8, u.dtype());
    assertArrayEquals(new long[] {2, 0}, u.toLongArray());
  }

  @Test
  void zeroPointAddsAfterRounding() {
    Tensor y =
        quantize(Tensor.ofFloats(0.5f, 1.5f), Tensor.scalar(1f), of(DType.UINT8, new long[] {3}));
    assertArrayEquals(new long[] {3, 5}, y.toLongArray());
  }

  @Test
  void perAxisAndBlockedPickTheRightScale() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
    Tensor perAxis =
        quantize(
            x,
            Tensor.ofFloats(1, 2),
            of(DType.INT16, new long[] {0, 0}, 2),
            Attribute.of("axis", 0L));
    assertArrayEquals(new long[] {1, 2, 3, 4, 2, 3, 4, 4}, perAxis.toLongArray());
    // blocks of 3 along axis 1: columns {0,1,2} and {3}
    Tensor scale = Tensor.wrap(new float[] {1, 0.5f, 2, 0.25f}, 2, 2);
    Tensor blocked =
        quantize(
            x,
            scale,
            of(DType.INT16, new long[] {0, 0, 0, 0}, 2, 2),
            Attribute.of("axis", 1L),
            Attribute.of("block_size", 3L));
    assertArrayEquals(new long[] {1, 2, 3, 8, 2, 3, 4, 32}, blocked.toLongArray());
  }

  @Test
  void packedAndFloatOutputs() {
    Tensor x = Tensor.ofFloats(-9, -8, 7, 8, 1.5f);
    Tensor i4 = quantize(x, Tensor.scalar(1f), of(DType.INT4, new long[] {0}, 1));
    assertArrayEquals(new long[] {-8, -8, 7, 7, 2}, i4.toLongArray());
    Tensor u2 = quantize(x, Tensor.scalar(1f), of(DType.UINT2, new long[] {1}, 1));
    assertArrayEquals(new long[] {0, 0, 3, 3, 3}, u2.toLongArray());
    Tensor e4 =
        quantize(
            Tensor.ofFloats(1000f, 0.3f),
            Tensor.scalar(1f),
            Tensor.allocate(DType.FLOAT8E4M3FN, 1));
    assertEquals(448f, FloatFormats.e4m3fnToFloat(e4.rawBits(0)));
    assertEquals(0.3125f, FloatFormats.e4m3fnToFloat(e4.rawBits(1)));
    Tensor nosat =
        quantize(
            Tensor.ofFloats(1000f),
            Tensor.scalar(1f),
            Tensor.allocate(DType.FLOAT8E4M3FN, 1),
            Attribute.of("saturate", 0L));
    assertTrue(Float.isNaN(FloatFormats.e4m3fnToFloat(nosat.rawBits(0))));
  }

  @Test
  void divisionHappensInTheScalePrecision() {
    // 0.25 / 0.0999755859375 (0.1 in float16) = 2.50061..., which float16 rounds to 2.5 and then to
    // the even integer 2; dividing in float32 would give 3.
    Tensor scale = Tensor.allocate(DType.FLOAT16, 1);
    scale.setDouble(0, 0.1);
    Tensor x = Tensor.allocate(DType.FLOAT16, 1);
    x.setDouble(0, 0.25);
    assertEquals(2L, quantize(x, scale, of(DType.UINT8, new long[] {0}, 1)).getLong(0));
    Tensor x32 = Tensor.ofFloats(0.25f);
    Tensor s32 = Tensor.scalar(FloatFormats.f16ToFloat(scale.rawBits(0)));
    assertEquals(3L, quantize(x32, s32, of(DType.UINT8, new long[] {0}, 1)).getLong(0));
  }

  @Test
  void badInputs() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2);
    LedgeException axis =
        assertThrows(
            LedgeException.class,
            () -> quantize(x, Tensor.ofFloats(1, 2, 3), of(DType.UINT8, new long[] {0, 0, 0}, 3)));
    assertTrue(axis.getMessage().contains("per-axis"), axis.getMessage());
    LedgeException zp =
        assertThrows(
            LedgeException.class,
            () -> quantize(x, Tensor.ofFloats(1, 2), of(DType.UINT8, new long[] {0, 0, 0}, 3)));
    assertTrue(zp.getMessage().contains("zero point shape"), zp.getMessage());
    LedgeException blocked =
        assertThrows(
            LedgeException.class,
            () ->
                quantize(
                    x,
                    Tensor.wrap(new float[] {1, 1, 1, 1}, 2, 2),
                    null,
                    Attribute.of("block_size", 2L)));
    assertTrue(
        blocked.getMessage().contains("needs a scale of shape [2, 1]"), blocked.getMessage());
    LedgeException f8 =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("QuantizeLinear", 25)
                    .input("x", x)
                    .input("s", Tensor.scalar(1f))
                    .constant("z", Tensor.wrap(DType.FLOAT8E4M3FN, new byte[] {0x38}, 0, 1))
                    .run1());
    assertTrue(f8.getMessage().contains("must be 0"), f8.getMessage());
    LedgeException mismatch =
        assertThrows(
            LedgeException.class,
            () ->
                quantize(
                    x,
                    Tensor.scalar(1f),
                    of(DType.UINT8, new long[] {0}),
                    Attribute.of("output_dtype", (long) DType.INT8.onnxCode())));
    assertTrue(mismatch.getMessage().contains("does not match"), mismatch.getMessage());
    assertThrows(
        UnsupportedOpException.class,
        () -> quantize(x, Tensor.wrap(new int[] {1}), of(DType.UINT8, new long[] {0})));
  }
}
