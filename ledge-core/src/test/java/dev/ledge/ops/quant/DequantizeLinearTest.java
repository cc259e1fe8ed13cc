package dev.ledge.ops.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeHarness;
import org.junit.jupiter.api.Test;

class DequantizeLinearTest {
  private static Tensor of(DType t, long[] values, int... shape) {
    Tensor x = Tensor.allocate(t, shape);
    for (int i = 0; i < values.length; i++) {
      x.setLong(i, values[i]);
    }
    return x;
  }

  @Test
  void perAxisInt4() {
    Tensor x = of(DType.INT4, new long[] {-8, 7, 1, -1}, 2, 2);
    Tensor y =
        NodeHarness.op("DequantizeLinear", 25)
            .input("x", x)
            .input("s", Tensor.ofFloats(0.5f, 2f))
            .input("z", of(DType.INT4, new long[] {1, -1}, 2))
            .attr(Attribute.of("axis", 0L))
            .run1();
    assertArrayEquals(new float[] {-4.5f, 3f, 4f, 0f}, y.toFloatArray());
  }

  @Test
  void outputDtypeAndFloat16Scale() {
    Tensor s = Tensor.allocate(DType.FLOAT16, 1);
    s.setDouble(0, 0.5);
    Tensor y =
        NodeHarness.op("DequantizeLinear", 25)
            .input("x", of(DType.UINT8, new long[] {3, 255}, 2))
            .input("s", s)
            .run1();
    assertEquals(DType.FLOAT16, y.dtype());
    assertEquals(127.5f, FloatFormats.f16ToFloat(y.rawBits(1)));
    Tensor b =
        NodeHarness.op("DequantizeLinear", 25)
            .input("x", of(DType.INT8, new long[] {-3}, 1))
            .input("s", Tensor.scalar(0.25f))
            .attr(Attribute.of("output_dtype", (long) DType.BFLOAT16.onnxCode()))
            .run1();
    assertEquals(DType.BFLOAT16, b.dtype());
    assertEquals(-0.75f, FloatFormats.bf16ToFloat(b.rawBits(0)));
  }

  @Test
  void badInputs() {
    LedgeException type =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("DequantizeLinear", 25)
                    .input("x", of(DType.UINT8, new long[] {1}, 1))
                    .input("s", Tensor.scalar(1f))
                    .input("z", of(DType.INT8, new long[] {0}, 1))
                    .run1());
    assertTrue(type.getMessage().contains("expected the type of x"), type.getMessage());
    LedgeException out =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("DequantizeLinear", 25)
                    .input("x", of(DType.UINT8, new long[] {1}, 1))
                    .input("s", Tensor.scalar(1f))
                    .attr(Attribute.of("output_dtype", (long) DType.INT32.onnxCode()))
                    .run1());
    assertTrue(out.getMessage().contains("float32, float16 or bfloat16"), out.getMessage());
    LedgeException runtime =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("DequantizeLinear", 25)
                    .dynamicInput("x", of(DType.UINT8, new long[] {1, 2}, 2))
                    .dynamicInput("s", Tensor.ofFloats(1, 2, 3))
                    .attr(Attribute.of("axis", 0L))
                    .run1());
    assertTrue(runtime.getMessage().contains("per-axis"), runtime.getMessage());
  }

  @Test
  void dynamicQuantizeLinear() {
    Tensor x = Tensor.ofFloats(0, 2, -3, -2.5f, 1.34f, 0.5f);
    var out =
        NodeHarness.op("DynamicQuantizeLinear", 11).input("x", x).outputs("y", "scale", "zp").run();
    float scale = out.get("scale").getFloat(0);
    assertEquals(5f / 255f, scale);
    long zp = out.get("zp").getLong(0);
    assertEquals(153L, zp); // rint(3 / (5/255)) = rint(153.0)
    assertEquals(0L, out.get("y").getLong(2));
    assertEquals(255L, out.get("y").getLong(1));
    var zeros =
        NodeHarness.op("DynamicQuantizeLinear", 11)
            .input("x", Tensor.ofFloats(0, 0))
            .outputs("y", "scale", "zp")
            .run();
    assertEquals(1f, zeros.get("scale").getFloat(0));
    assertEquals(0L, zeros.get("zp").getLong(0));
    assertThrows(
        LedgeException.class,
        () ->
            NodeHarness.op("DynamicQuantizeLinear", 11)
                .input("x", Tensor.wrap(new double[] {1}, 1))
                .outputs("y", "scale", "zp")
                .run());
  }
}
