package dev.ledge.ops.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExactRoundingTest {
  private static final DType[] SMALL = {
    DType.FLOAT16,
    DType.BFLOAT16,
    DType.FLOAT8E4M3FN,
    DType.FLOAT8E4M3FNUZ,
    DType.FLOAT8E5M2,
    DType.FLOAT8E5M2FNUZ,
    DType.FLOAT4E2M1
  };

  @Test
  void floatInputsMatchFloatFormats() {
    SplittableRandom r = new SplittableRandom(7);
    for (int k = 0; k < 20000; k++) {
      float f = Float.intBitsToFloat(r.nextInt());
      for (DType t : SMALL) {
        for (boolean sat : new boolean[] {true, false}) {
          assertEquals(
              FloatFormats.fromFloat(t, f, sat),
              ExactRounding.smallFromDouble(t, f, sat, "up"),
              t + " of " + f);
        }
      }
      for (String mode : new String[] {"up", "down", "nearest"}) {
        for (boolean sat : new boolean[] {true, false}) {
          assertEquals(
              FloatFormats.floatToE8m0(f, sat, mode),
              ExactRounding.e8m0FromDouble(f, sat, mode),
              "e8m0 " + mode + " of " + f);
        }
      }
    }
  }

  @Test
  void doubleJustAboveATieRoundsUpNotToEven() {
    // 1 + 2^-11 is the float16 tie between 1 and 1 + 2^-10; via float the 2^-40 would be lost.
    double above = 1 + 0x1p-11 + 0x1p-40;
    double below = 1 + 0x1p-11 - 0x1p-40;
    assertEquals(0x3C01, ExactRounding.smallFromDouble(DType.FLOAT16, above, true, "up"));
    assertEquals(0x3C00, ExactRounding.smallFromDouble(DType.FLOAT16, below, true, "up"));
    assertEquals(0x3C00, ExactRounding.smallFromDouble(DType.FLOAT16, 1 + 0x1p-11, true, "up"));
    assertEquals(0x3C01, FloatFormats.floatToF16((float) above) + 1, "float path rounds to even");
  }

  @Test
  void overflowThresholdOfNonSaturatingFloat8IsExact() {
    // 464 is the threshold between 448 and NaN for E4M3FN without saturation.
    assertEquals(0x7E, ExactRounding.smallFromDouble(DType.FLOAT8E4M3FN, 464 - 1e-9, false, "up"));
    assertEquals(0x7F, ExactRounding.smallFromDouble(DType.FLOAT8E4M3FN, 464 + 1e-9, false, "up"));
  }

  @Test
  void longsRoundOnce() {
    long v = (1L << 60) + (1L << 52) + 1; // just above a bfloat16 tie
    assertEquals(0x5D81, ExactRounding.smallFromLong(DType.BFLOAT16, v, false, true, "up"));
    assertEquals(0x5D80, ExactRounding.smallFromLong(DType.BFLOAT16, v - 1, false, true, "up"));
    assertEquals(0x3C00, ExactRounding.smallFromLong(DType.FLOAT16, 1, false, true, "up"));
    assertEquals(0xBC00, ExactRounding.smallFromLong(DType.FLOAT16, -1, false, true, "up"));
    assertEquals(
        0x7C00, ExactRounding.smallFromLong(DType.FLOAT16, -1, true, true, "up")); // 2^64-1
  }

  @Test
  void unsignedConversionsAreCorrectlyRounded() {
    assertEquals(0x1p64f, ExactRounding.toFloat(-1L, true));
    long v = Long.MIN_VALUE + (1L << 39) + 1; // 2^63 + just above half a float ulp
    assertEquals(0x1p63f + 0x1p40f, ExactRounding.toFloat(v, true));
    long w = Long.MIN_VALUE + (1L << 10) + 1;
    assertEquals(0x1p63 + 0x1p11, ExactRounding.toDouble(w, true));
    assertEquals(Long.MIN_VALUE + 2048, ExactRounding.truncate(0x1p63 + 2048, true));
    assertEquals(-3, ExactRounding.truncate(-3.9, false));
  }

  @Test
  void e8m0FromExactValues() {
    double d = 0x1p10 * (1 + 0x1p-40);
    assertEquals(127 + 11, ExactRounding.e8m0FromDouble(d, true, "up"));
    assertEquals(127 + 10, ExactRounding.e8m0FromDouble(d, true, "down"));
    assertEquals(127 + 10, ExactRounding.e8m0FromLong(1024, false, true, "up"));
    assertEquals(127 + 11, ExactRounding.e8m0FromLong(1025, false, true, "up"));
    assertEquals(127 + 11, ExactRounding.e8m0FromLong(1536, false, true, "nearest"));
    assertEquals(127 + 10, ExactRounding.e8m0FromLong(1535, false, true, "nearest"));
    assertEquals(127 + 63, ExactRounding.e8m0FromLong(Long.MIN_VALUE, false, true, "down"));
    assertEquals(0xFF, ExactRounding.e8m0FromLong(0, false, false, "up"));
  }

  @Test
  void textFormatsLikeNumpy() {
    assertEquals("0.1", NumberText.formatFloat(DType.FLOAT32, 0.1f));
    assertEquals("1e-05", NumberText.formatFloat(DType.FLOAT32, 1e-5f));
    assertEquals("314.15927", NumberText.formatFloat(DType.FLOAT32, 314.15926f));
    assertEquals("1.0", NumberText.formatFloat(DType.FLOAT32, 1f));
    assertEquals("100.0", NumberText.formatFloat(DType.FLOAT32, 100f));
    assertEquals("1e+16", NumberText.formatFloat(DType.FLOAT32, 1e16f));
    assertEquals("1.5e-07", NumberText.formatFloat(DType.FLOAT32, 1.5e-7f));
    assertEquals("1e-04", NumberText.formatFloat(DType.FLOAT32, 1e-4f)); // float 1e-4 is below 1e-4
    assertEquals("0.0001", NumberText.formatFloat(DType.FLOAT64, 1e-4));
    assertEquals("-0.0", NumberText.formatFloat(DType.FLOAT32, -0.0f));
    assertEquals("nan", NumberText.formatFloat(DType.FLOAT32, Float.NaN));
    assertEquals("-inf", NumberText.formatFloat(DType.FLOAT64, Double.NEGATIVE_INFINITY));
    assertEquals("0.3333333333333333", NumberText.formatFloat(DType.FLOAT64, 1.0 / 3));
    assertEquals("5e-324", NumberText.formatFloat(DType.FLOAT64, Double.MIN_VALUE));
    assertEquals("0.1", NumberText.formatFloat(DType.FLOAT16, FloatFormats.f16ToFloat(0x2E66)));
    assertEquals("65500.0", NumberText.formatFloat(DType.FLOAT16, 65504));
    assertEquals("18446744073709551615", NumberText.formatInteger(DType.UINT64, -1));
    assertEquals("True", NumberText.formatInteger(DType.BOOL, 1));
  }

  @Test
  void textParsesTheSpecLiterals() {
    assertEquals(Double.POSITIVE_INFINITY, NumberText.parseDouble("INF"));
    assertEquals(Double.POSITIVE_INFINITY, NumberText.parseDouble("+inf"));
    assertEquals(Double.NEGATIVE_INFINITY, NumberText.parseDouble("-Inf"));
    assertEquals(Double.NaN, NumberText.parseDouble("nAn"));
    assertEquals(1e-5, NumberText.parseDouble("1e-5"));
    assertEquals(1e8, NumberText.parseDouble("1E8"));
    assertEquals(3.14, NumberText.parseDouble(" 3.14 "));
    assertEquals(0.5, NumberText.parseDouble(".5"));
    assertThrows(LedgeException.class, () -> NumberText.parseDouble("Hello World!"));
    assertThrows(LedgeException.class, () -> NumberText.parseDouble("0x10"));
    assertThrows(LedgeException.class, () -> NumberText.parseDouble("1.5f"));
    assertThrows(LedgeException.class, () -> NumberText.parseDouble("Infinity"));
    assertEquals(100, NumberText.parseInteger("100.5", DType.INT32));
    assertEquals(-1L, NumberText.parseInteger("18446744073709551615", DType.UINT64));
    assertThrows(LedgeException.class, () -> NumberText.parseInteger("300", DType.UINT8));
    assertThrows(LedgeException.class, () -> NumberText.parseInteger("-129", DType.INT8));
    assertEquals(true, NumberText.parseBoolean("TRUE"));
    assertEquals(false, NumberText.parseBoolean("0"));
  }
}
