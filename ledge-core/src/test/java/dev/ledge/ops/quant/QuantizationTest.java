package dev.ledge.ops.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizationTest {
  @Test
  void roundToMatchesTheFloatEncoders() {
    Random rnd = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      float v = Float.intBitsToFloat(rnd.nextInt());
      if (Float.isNaN(v)) {
        continue;
      }
      assertEquals(
          FloatFormats.f16ToFloat(FloatFormats.floatToF16(v)),
          (float) Quantization.roundTo(v, DType.FLOAT16),
          "float16 of " + v);
      assertEquals(
          FloatFormats.bf16ToFloat(FloatFormats.floatToBf16(v)),
          (float) Quantization.roundTo(v, DType.BFLOAT16),
          "bfloat16 of " + v);
    }
  }

  @Test
  void saturateRound() {
    assertEquals(2, Quantization.saturateRound(2.5, -8, 7));
    assertEquals(-2, Quantization.saturateRound(-2.5, -8, 7));
    assertEquals(7, Quantization.saturateRound(1e300, -8, 7));
    assertEquals(-8, Quantization.saturateRound(Double.NEGATIVE_INFINITY, -8, 7));
    assertEquals(-8, Quantization.saturateRound(Double.NaN, -8, 7));
  }
}
