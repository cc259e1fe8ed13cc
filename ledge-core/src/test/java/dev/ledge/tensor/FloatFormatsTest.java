package dev.ledge.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FloatFormatsTest {

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  private static float f(int bits) {
    return Float.intBitsToFloat(bits);
  }

  private static void assertSameFloat(float expected, float actual, String what) {
    assertEquals(
        Float.floatToRawIntBits(expected),
        Float.floatToRawIntBits(actual),
        () ->
            what
                + ": expected "
                + expected
                + " (0x"
                + Integer.toHexString(Float.floatToRawIntBits(expected))
                + ") but was "
                + actual
                + " (0x"
                + Integer.toHexString(Float.floatToRawIntBits(actual))
                + ")");
  }

  private static void assertCode(int expected, int actual, String what) {
    assertEquals(
        expected,
        actual,
        () ->
            what
                + ": expected 0x"
                + Integer.toHexString(expected)
                + " but was 0x"
                + Integer.toHexString(actual));
  }

  /** Like {@link #assertCode(int, int, String)}, building the message only on failure. */
  private static void assertCode(int expected, int actual, Supplier<String> what) {
    if (expected != actual) {
      assertCode(expected, actual, what.get());
    }
  }

  /** Little-endian float32 values from hex, as stored in ONNX raw_data. */
  private static float[] floatsLe(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    float[] out = new float[b.length / 4];
    for (int i = 0; i < out.length; i++) {
      int bits =
          (b[4 * i] & 0xFF)
              | (b[4 * i + 1] & 0xFF) << 8
              | (b[4 * i + 2] & 0xFF) << 16
              | (b[4 * i + 3] & 0xFF) << 24;
      out[i] = f(bits);
    }
    return out;
  }

  /** Little-endian 16-bit codes from hex. */
  private static int[] shortsLe(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    int[] out = new int[b.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8;
    }
    return out;
  }

  private static int[] bytes(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xFF;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // An independent oracle for the float8 / float4 encoders: the value of each code is computed
  // from the spec formula, and a float is encoded by searching for the nearest code value, ties
  // going to the even code. The code just past the largest finite one stands for the next value
  // the exponent range would give, so a tie at the top rounds up (and overflows) when the largest
  // finite code is odd, exactly as round-to-nearest-even with an unbounded exponent does.
  // ---------------------------------------------------------------------------------------------

  enum Kind {
    /** E4M3FN: NaN = S.1111.111, no infinity. */
    FN,
    /** E4M3FNUZ / E5M2FNUZ: NaN = 0x80, no infinity, no -0. */
    FNUZ,
    /** E5M2: IEEE-style infinities and NaNs. */
    IEEE,
    /** E2M1: no NaN, no infinity, always saturating. */
    E2M1
  }

  interface Encoder {
    int encode(float f, boolean saturate);
  }

  interface Decoder {
    float decode(int bits);
  }

  record Format(
      String name,
      Kind kind,
      int bits,
      int manBits,
      int bias,
      int maxCode,
      Encoder encoder,
      Decoder decoder) {

    int signBit() {
      return 1 << (bits - 1);
    }

    /** Magnitude of a code by the spec formula; valid for 0..maxCode+1. */
    double value(int code) {
      int exp = code >>> manBits;
      int man = code & ((1 << manBits) - 1);
      double fraction = man / (double) (1 << manBits);
      return exp == 0 ? fraction * Math.pow(2, 1 - bias) : (1 + fraction) * Math.pow(2, exp - bias);
    }

    double[] values() {
      double[] v = new double[maxCode + 2];
      for (int c = 0; c < v.length; c++) {
        v[c] = value(c);
      }
      return v;
    }

    int nanCode(boolean negative) {
      return switch (kind) {
        case FN -> (negative ? signBit() : 0) | 0x7F;
        case FNUZ -> 0x80;
        case IEEE -> (negative ? signBit() : 0) | 0x7E;
        case E2M1 -> negative ? 0x0 : 0x8;
      };
    }

    int overflowCode(boolean negative, boolean saturate) {
      int sign = negative ? signBit() : 0;
      if (saturate || kind == Kind.E2M1) {
        return sign | maxCode;
      }
      return switch (kind) {
        case FN -> sign | 0x7F;
        case FNUZ -> 0x80;
        case IEEE -> sign | 0x7C;
        case E2M1 -> throw new AssertionError();
      };
    }
  }

  private static final Format E4M3FN =
      new Format(
          "e4m3fn",
          Kind.FN,
          8,
          3,
          7,
          0x7E,
          FloatFormats::floatToE4m3fn,
          FloatFormats::e4m3fnToFloat);
  private static final Format E4M3FNUZ =
      new Format(
          "e4m3fnuz",
          Kind.FNUZ,
          8,
          3,
          8,
          0x7F,
          FloatFormats::floatToE4m3fnuz,
          FloatFormats::e4m3fnuzToFloat);
  private static final Format E5M2 =
      new Format(
          "e5m2", Kind.IEEE, 8, 2, 15, 0x7B, FloatFormats::floatToE5m2, FloatFormats::e5m2ToFloat);
  private static final Format E5M2FNUZ =
      new Format(
          "e5m2fnuz",
          Kind.FNUZ,
          8,
          2,
          16,
          0x7F,
          FloatFormats::floatToE5m2fnuz,
          FloatFormats::e5m2fnuzToFloat);
  private static final Format E2M1 =
      new Format(
          "e2m1",
          Kind.E2M1,
          4,
          1,
          1,
          0x7,
          (x, saturate) -> FloatFormats.floatToE2m1(x),
          FloatFormats::e2m1ToFloat);

  private static final List<Format> MINIFLOATS = List.of(E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ, E2M1);

  /** Expected encoding of {@code x} by nearest-value search. */
  private static int oracle(Format fmt, double[] values, float x, boolean saturate) {
    int bits = Float.floatToRawIntBits(x);
    boolean negative = bits < 0;
    if (Float.isNaN(x)) {
      return fmt.nanCode(negative);
    }
    if (Float.isInfinite(x)) {
      if (fmt.kind == Kind.IEEE && !saturate) {
        return (negative ? 0x80 : 0) | 0x7C;
      }
      return fmt.overflowCode(negative, saturate);
    }
    double ax = Math.abs((double) x);
    int last = values.length - 1; // the virtual code just past the largest finite one
    int mag;
    if (ax >= values[last]) {
      mag = last;
    } else {
      int pos = Arrays.binarySearch(values, ax);
      if (pos >= 0) {
        mag = pos;
      } else {
        int lo = -pos - 2; // values[lo] < ax < values[lo + 1]
        // Both differences are exact in double: consecutive code values are within a factor
        // of two of each other (or the lower one is 0), and floats have 24 significant bits.
        double dLo = ax - values[lo];
        double dHi = values[lo + 1] - ax;
        if (dLo < dHi) {
          mag = lo;
        } else if (dHi < dLo) {
          mag = lo + 1;
        } else {
          mag = (lo & 1) == 0 ? lo : lo + 1;
        }
      }
    }
    if (mag > fmt.maxCode) {
      return fmt.overflowCode(negative, saturate);
    }
    if (mag == 0 && fmt.kind == Kind.FNUZ) {
      return 0;
    }
    return (negative ? fmt.signBit() : 0) | mag;
  }

  /** Code values, midpoints between them and their float neighbours, in both signs. */
  private static List<Float> interestingFloats(Format fmt) {
    double[] v = fmt.values();
    List<Float> out = new ArrayList<>();
    for (int c = 0; c < v.length; c++) {
      float value = (float) v[c];
      out.add(value);
      out.add(Math.nextUp(value));
      out.add(Math.nextDown(value));
      if (c + 1 < v.length) {
        float mid = (float) ((v[c] + v[c + 1]) / 2);
        assertEquals((v[c] + v[c + 1]) / 2, mid, 0.0, "midpoints are exact floats");
        out.add(mid);
        out.add(Math.nextUp(mid));
        out.add(Math.nextDown(mid));
      }
    }
    out.add(Float.MIN_VALUE);
    out.add(Float.MIN_NORMAL);
    out.add(Float.MAX_VALUE);
    out.add(Float.POSITIVE_INFINITY);
    out.add(Float.NaN);
    out.add(f(0x7F80_0001)); // signalling NaN
    out.add(f(0x7FFF_FFFF));
    int n = out.size();
    for (int i = 0; i < n; i++) {
      out.add(-out.get(i));
    }
    return out;
  }

  private static void checkAgainstOracle(Format fmt, double[] values, float x) {
    for (boolean saturate : new boolean[] {true, false}) {
      int expected = oracle(fmt, values, x, saturate);
      int actual = fmt.encoder.encode(x, saturate);
      assertCode(
          expected,
          actual,
          () ->
              fmt.name
                  + " encode("
                  + x
                  + " / 0x"
                  + Integer.toHexString(Float.floatToRawIntBits(x))
                  + ", saturate="
                  + saturate
                  + ")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generic minifloat properties, for all five float8/float4 formats
  // ---------------------------------------------------------------------------------------------

  @Test
  void decodeMatchesSpecFormulaForEveryCode() {
    for (Format fmt : MINIFLOATS) {
      for (int code = 0; code < (1 << fmt.bits); code++) {
        float decoded = fmt.decoder.decode(code);
        boolean negative = (code & fmt.signBit()) != 0;
        int mag = code & (fmt.signBit() - 1);
        boolean nan =
            switch (fmt.kind) {
              case FN -> mag == 0x7F;
              case FNUZ -> code == 0x80;
              case IEEE -> mag > 0x7C;
              case E2M1 -> false;
            };
        String what = fmt.name + " decode(0x" + Integer.toHexString(code) + ")";
        if (nan) {
          assertTrue(Float.isNaN(decoded), what + " is NaN");
        } else if (fmt.kind == Kind.IEEE && mag == 0x7C) {
          assertSameFloat(
              negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY, decoded, what);
        } else {
          double value = fmt.value(mag);
          assertSameFloat((float) (negative ? -value : value), decoded, what);
        }
      }
    }
  }

  @Test
  void decodersReadOnlyTheLowBits() {
    for (Format fmt : MINIFLOATS) {
      for (int code = 0; code < (1 << fmt.bits); code++) {
        int noisy = code | (0xABCD_E000 << fmt.bits);
        assertSameFloat(fmt.decoder.decode(code), fmt.decoder.decode(noisy), fmt.name);
      }
    }
    assertSameFloat(-448f, FloatFormats.e4m3fnToFloat((byte) 0xFE), "sign-extended byte");
    assertSameFloat(-1f, FloatFormats.bf16ToFloat((short) 0xBF80), "sign-extended short");
    assertSameFloat(-2f, FloatFormats.f16ToFloat((short) 0xC000), "sign-extended short");
  }

  @Test
  void everyNumberRoundTrips() {
    for (Format fmt : MINIFLOATS) {
      for (int code = 0; code < (1 << fmt.bits); code++) {
        float value = fmt.decoder.decode(code);
        if (Float.isNaN(value)) {
          continue;
        }
        String what = fmt.name + " round trip of 0x" + Integer.toHexString(code);
        if (Float.isInfinite(value)) {
          assertCode(code, fmt.encoder.encode(value, false), what);
          continue;
        }
        assertCode(code, fmt.encoder.encode(value, true), what);
        assertCode(code, fmt.encoder.encode(value, false), what);
      }
    }
  }

  @Test
  void nanCodesEncodeBackToNan() {
    for (Format fmt : List.of(E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ)) {
      for (int code = 0; code < 256; code++) {
        float value = fmt.decoder.decode(code);
        if (Float.isNaN(value)) {
          for (boolean saturate : new boolean[] {true, false}) {
            int back = fmt.encoder.encode(value, saturate);
            assertTrue(Float.isNaN(fmt.decoder.decode(back)), fmt.name + " NaN stays NaN");
          }
        }
      }
    }
  }

  @Test
  void encodeMatchesOracleOnValuesMidpointsAndNeighbours() {
    for (Format fmt : MINIFLOATS) {
      double[] values = fmt.values();
      for (float x : interestingFloats(fmt)) {
        checkAgainstOracle(fmt, values, x);
      }
    }
  }

  @Test
  void encodeMatchesOracleOnASweepOfAllFloats() {
    // Every 509th bit pattern (a prime stride, so all mantissa residues are visited), both signs.
    for (Format fmt : MINIFLOATS) {
      double[] values = fmt.values();
      for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 509) {
        checkAgainstOracle(fmt, values, f((int) bits));
      }
    }
  }

  @Test
  void encodeMatchesOracleOnRandomFloatsInRange() {
    SplittableRandom random = new SplittableRandom(42);
    for (Format fmt : MINIFLOATS) {
      double[] values = fmt.values();
      double max = fmt.value(fmt.maxCode + 1) * 1.25;
      for (int i = 0; i < 200_000; i++) {
        float x = (float) (random.nextDouble(-max, max) * Math.pow(2, -random.nextInt(24)));
        checkAgainstOracle(fmt, values, x);
      }
    }
  }

  @Test
  void encodingIsMonotonic() {
    for (Format fmt : MINIFLOATS) {
      float previous = Float.NEGATIVE_INFINITY;
      for (int bits = 0; bits < 0x7F80_0000; bits += 4099) {
        float decoded = fmt.decoder.decode(fmt.encoder.encode(f(bits), true));
        assertTrue(decoded >= previous, fmt.name + " monotonic at " + f(bits));
        previous = decoded;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E4M3FN
  // ---------------------------------------------------------------------------------------------

  @Test
  void e4m3fnKnownValues() {
    assertSameFloat(0f, FloatFormats.e4m3fnToFloat(0x00), "zero");
    assertSameFloat(-0f, FloatFormats.e4m3fnToFloat(0x80), "negative zero");
    assertSameFloat(1f, FloatFormats.e4m3fnToFloat(0x38), "one");
    assertSameFloat(448f, FloatFormats.e4m3fnToFloat(0x7E), "max");
    assertSameFloat(-448f, FloatFormats.e4m3fnToFloat(0xFE), "-max");
    assertSameFloat(0x1p-9f, FloatFormats.e4m3fnToFloat(0x01), "min subnormal");
    assertSameFloat(0x1.cp-7f, FloatFormats.e4m3fnToFloat(0x07), "max subnormal");
    assertSameFloat(0x1p-6f, FloatFormats.e4m3fnToFloat(0x08), "min normal");
    assertSameFloat(f(0x7FC0_0000), FloatFormats.e4m3fnToFloat(0x7F), "NaN");
    assertSameFloat(f(0xFFC0_0000), FloatFormats.e4m3fnToFloat(0xFF), "-NaN");
    int nans = 0;
    for (int code = 0; code < 256; code++) {
      if (Float.isNaN(FloatFormats.e4m3fnToFloat(code))) {
        nans++;
      }
      assertTrue(!Float.isInfinite(FloatFormats.e4m3fnToFloat(code)), "no infinities");
    }
    assertEquals(2, nans);
  }

  @Test
  void e4m3fnSpecialsAndSaturation() {
    // Cast table, saturate = true
    assertCode(0x00, FloatFormats.floatToE4m3fn(0f, true), "0");
    assertCode(0x80, FloatFormats.floatToE4m3fn(-0f, true), "-0");
    assertCode(0x7F, FloatFormats.floatToE4m3fn(Float.NaN, true), "NaN");
    assertCode(0x7E, FloatFormats.floatToE4m3fn(Float.POSITIVE_INFINITY, true), "Inf");
    assertCode(0xFE, FloatFormats.floatToE4m3fn(Float.NEGATIVE_INFINITY, true), "-Inf");
    assertCode(0x7E, FloatFormats.floatToE4m3fn(1e6f, true), "big");
    assertCode(0xFE, FloatFormats.floatToE4m3fn(-1e6f, true), "-big");
    // Cast table, saturate = false
    assertCode(0x80, FloatFormats.floatToE4m3fn(-0f, false), "-0");
    assertCode(0xFF, FloatFormats.floatToE4m3fn(f(0xFFC0_0000), false), "-NaN");
    assertCode(0x7F, FloatFormats.floatToE4m3fn(Float.POSITIVE_INFINITY, false), "Inf");
    assertCode(0xFF, FloatFormats.floatToE4m3fn(Float.NEGATIVE_INFINITY, false), "-Inf");
    assertCode(0x7F, FloatFormats.floatToE4m3fn(1e6f, false), "big");
    assertCode(0xFF, FloatFormats.floatToE4m3fn(-1e6f, false), "-big");
    // [x] > FLT_MAX is about the rounded value: 464 is the tie between 448 (0x7E, even) and the
    // missing 480, so it rounds to 448 even without saturation; anything above becomes NaN.
    assertCode(0x7E, FloatFormats.floatToE4m3fn(464f, false), "464 rounds down to 448");
    assertCode(0x7F, FloatFormats.floatToE4m3fn(Math.nextUp(464f), false), "above 464");
    assertCode(0x7E, FloatFormats.floatToE4m3fn(Math.nextUp(464f), true), "above 464, sat");
    // Underflow keeps the sign.
    assertCode(0x80, FloatFormats.floatToE4m3fn(-1e-7f, true), "-tiny");
  }

  @Test
  void e4m3fnTiesToEven() {
    assertCode(0x38, FloatFormats.floatToE4m3fn(1.0625f, true), "1 + 1/16 -> 1");
    assertCode(0x3A, FloatFormats.floatToE4m3fn(1.1875f, true), "1.1875 -> 1.25");
    assertCode(0x39, FloatFormats.floatToE4m3fn(Math.nextUp(1.0625f), true), "just above");
    assertCode(0x6C, FloatFormats.floatToE4m3fn(100f, true), "100 -> 96");
    // Subnormals: half the smallest subnormal rounds to 0, 1.5 of it to 2 (even).
    assertCode(0x00, FloatFormats.floatToE4m3fn(0x1p-10f, true), "2^-10 -> 0");
    assertCode(0x01, FloatFormats.floatToE4m3fn(Math.nextUp(0x1p-10f), true), "just above");
    assertCode(0x02, FloatFormats.floatToE4m3fn(0x1.8p-9f, true), "1.5 * 2^-9 -> 2^-8");
    assertCode(0x08, FloatFormats.floatToE4m3fn(0x1.ep-7f, true), "to min normal");
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E4M3FNUZ
  // ---------------------------------------------------------------------------------------------

  @Test
  void e4m3fnuzKnownValues() {
    assertSameFloat(0f, FloatFormats.e4m3fnuzToFloat(0x00), "zero");
    assertSameFloat(1f, FloatFormats.e4m3fnuzToFloat(0x40), "one");
    assertSameFloat(240f, FloatFormats.e4m3fnuzToFloat(0x7F), "max");
    assertSameFloat(-240f, FloatFormats.e4m3fnuzToFloat(0xFF), "-max");
    assertSameFloat(0x1p-10f, FloatFormats.e4m3fnuzToFloat(0x01), "min subnormal");
    assertSameFloat(0x1p-7f, FloatFormats.e4m3fnuzToFloat(0x08), "min normal");
    assertSameFloat(-0x1p-10f, FloatFormats.e4m3fnuzToFloat(0x81), "-min subnormal");
    assertSameFloat(f(0xFFC0_0000), FloatFormats.e4m3fnuzToFloat(0x80), "the NaN");
    for (int code = 0; code < 256; code++) {
      float value = FloatFormats.e4m3fnuzToFloat(code);
      assertEquals(code == 0x80, Float.isNaN(value), "only 0x80 is NaN");
      assertTrue(Float.floatToRawIntBits(value) != 0x8000_0000, "no -0");
    }
  }

  @Test
  void e4m3fnuzSpecialsAndSaturation() {
    assertCode(0x00, FloatFormats.floatToE4m3fnuz(-0f, true), "-0 -> 0");
    assertCode(0x00, FloatFormats.floatToE4m3fnuz(-0f, false), "-0 -> 0");
    assertCode(0x00, FloatFormats.floatToE4m3fnuz(-1e-7f, true), "-tiny -> 0");
    assertCode(0x80, FloatFormats.floatToE4m3fnuz(Float.NaN, true), "NaN");
    assertCode(0x80, FloatFormats.floatToE4m3fnuz(f(0xFFC0_0000), false), "-NaN");
    assertCode(0x7F, FloatFormats.floatToE4m3fnuz(Float.POSITIVE_INFINITY, true), "Inf");
    assertCode(0xFF, FloatFormats.floatToE4m3fnuz(Float.NEGATIVE_INFINITY, true), "-Inf");
    assertCode(0x80, FloatFormats.floatToE4m3fnuz(Float.POSITIVE_INFINITY, false), "Inf");
    assertCode(0x80, FloatFormats.floatToE4m3fnuz(Float.NEGATIVE_INFINITY, false), "-Inf");
    // 248 is the tie between 240 (0x7F, odd) and 256: it rounds up, out of range.
    assertCode(0x7F, FloatFormats.floatToE4m3fnuz(Math.nextDown(248f), false), "below 248");
    assertCode(0x80, FloatFormats.floatToE4m3fnuz(248f, false), "248 overflows");
    assertCode(0x7F, FloatFormats.floatToE4m3fnuz(248f, true), "248 saturates");
    assertCode(0xFF, FloatFormats.floatToE4m3fnuz(-1e6f, true), "-big saturates");
    assertCode(0x80, FloatFormats.floatToE4m3fnuz(-1e6f, false), "-big is NaN");
  }

  @Test
  void e4m3fnuzTiesToEven() {
    assertCode(0x40, FloatFormats.floatToE4m3fnuz(1.0625f, true), "1 + 1/16 -> 1");
    assertCode(0x42, FloatFormats.floatToE4m3fnuz(1.1875f, true), "1.1875 -> 1.25");
    assertCode(0x00, FloatFormats.floatToE4m3fnuz(0x1p-11f, true), "half min subnormal -> 0");
    assertCode(0x02, FloatFormats.floatToE4m3fnuz(0x1.8p-10f, true), "1.5 * 2^-10 -> 2^-9");
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E5M2
  // ---------------------------------------------------------------------------------------------

  @Test
  void e5m2KnownValues() {
    assertSameFloat(1f, FloatFormats.e5m2ToFloat(0x3C), "one");
    assertSameFloat(57344f, FloatFormats.e5m2ToFloat(0x7B), "max");
    assertSameFloat(-57344f, FloatFormats.e5m2ToFloat(0xFB), "-max");
    assertSameFloat(0x1p-16f, FloatFormats.e5m2ToFloat(0x01), "min subnormal");
    assertSameFloat(0x1p-14f, FloatFormats.e5m2ToFloat(0x04), "min normal");
    assertSameFloat(-0f, FloatFormats.e5m2ToFloat(0x80), "-0");
    assertSameFloat(Float.POSITIVE_INFINITY, FloatFormats.e5m2ToFloat(0x7C), "Inf");
    assertSameFloat(Float.NEGATIVE_INFINITY, FloatFormats.e5m2ToFloat(0xFC), "-Inf");
    for (int code : new int[] {0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF}) {
      assertTrue(Float.isNaN(FloatFormats.e5m2ToFloat(code)), "NaN " + code);
    }
    // E5M2 is the top byte of an IEEE half: decoding must agree with float16 (NaNs decode to the
    // canonical quiet NaN rather than keeping the payload, so only their NaN-ness is compared).
    for (int code = 0; code < 256; code++) {
      float half = FloatFormats.f16ToFloat(code << 8);
      float e5m2 = FloatFormats.e5m2ToFloat(code);
      if (Float.isNaN(half)) {
        assertTrue(Float.isNaN(e5m2), "as half " + code);
        assertEquals(
            Float.floatToRawIntBits(half) < 0, Float.floatToRawIntBits(e5m2) < 0, "NaN sign");
      } else {
        assertSameFloat(half, e5m2, "as half " + code);
      }
    }
  }

  @Test
  void e5m2SpecialsAndSaturation() {
    assertCode(0x80, FloatFormats.floatToE5m2(-0f, true), "-0");
    assertCode(0x7E, FloatFormats.floatToE5m2(Float.NaN, true), "NaN");
    assertCode(0xFE, FloatFormats.floatToE5m2(f(0xFFC0_0000), false), "-NaN");
    assertCode(0x7B, FloatFormats.floatToE5m2(Float.POSITIVE_INFINITY, true), "Inf sat");
    assertCode(0xFB, FloatFormats.floatToE5m2(Float.NEGATIVE_INFINITY, true), "-Inf sat");
    assertCode(0x7C, FloatFormats.floatToE5m2(Float.POSITIVE_INFINITY, false), "Inf");
    assertCode(0xFC, FloatFormats.floatToE5m2(Float.NEGATIVE_INFINITY, false), "-Inf");
    // 61440 is the tie between 57344 (0x7B, odd) and 65536: IEEE rounds it to infinity.
    assertCode(0x7B, FloatFormats.floatToE5m2(Math.nextDown(61440f), false), "below tie");
    assertCode(0x7C, FloatFormats.floatToE5m2(61440f, false), "tie overflows");
    assertCode(0x7B, FloatFormats.floatToE5m2(61440f, true), "tie saturates");
    assertCode(0xFC, FloatFormats.floatToE5m2(-1e6f, false), "-big");
    assertCode(0xFB, FloatFormats.floatToE5m2(-1e6f, true), "-big sat");
  }

  @Test
  void e5m2TiesToEven() {
    assertCode(0x3C, FloatFormats.floatToE5m2(1.125f, true), "1.125 -> 1");
    assertCode(0x3E, FloatFormats.floatToE5m2(1.375f, true), "1.375 -> 1.5");
    assertCode(0x00, FloatFormats.floatToE5m2(0x1p-17f, true), "half min subnormal -> 0");
    assertCode(0x02, FloatFormats.floatToE5m2(0x1.8p-16f, true), "1.5 * 2^-16 -> 2^-15");
    // Agrees with rounding through IEEE half when no double rounding can occur: e5m2 is the top
    // byte of a half, so round-to-nearest-even on the half's low byte must give the same code.
    for (int half = 0; half < 0x7C00; half++) {
      float x = FloatFormats.f16ToFloat(half);
      int low = half & 0xFF;
      int top = half >>> 8;
      int expected = low > 0x80 || (low == 0x80 && (top & 1) == 1) ? top + 1 : top;
      if (expected > 0x7B) {
        expected = 0x7C;
      }
      assertCode(expected, FloatFormats.floatToE5m2(x, false), "half 0x" + half);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E5M2FNUZ
  // ---------------------------------------------------------------------------------------------

  @Test
  void e5m2fnuzKnownValues() {
    assertSameFloat(1f, FloatFormats.e5m2fnuzToFloat(0x40), "one");
    assertSameFloat(57344f, FloatFormats.e5m2fnuzToFloat(0x7F), "max");
    assertSameFloat(-57344f, FloatFormats.e5m2fnuzToFloat(0xFF), "-max");
    assertSameFloat(0x1p-17f, FloatFormats.e5m2fnuzToFloat(0x01), "min subnormal");
    assertSameFloat(0x1p-15f, FloatFormats.e5m2fnuzToFloat(0x04), "min normal");
    assertSameFloat(f(0xFFC0_0000), FloatFormats.e5m2fnuzToFloat(0x80), "the NaN");
    for (int code = 0; code < 256; code++) {
      float value = FloatFormats.e5m2fnuzToFloat(code);
      assertEquals(code == 0x80, Float.isNaN(value), "only 0x80 is NaN");
      assertTrue(!Float.isInfinite(value), "no infinities");
      assertTrue(Float.floatToRawIntBits(value) != 0x8000_0000, "no -0");
    }
  }

  @Test
  void e5m2fnuzSpecialsAndSaturation() {
    assertCode(0x00, FloatFormats.floatToE5m2fnuz(-0f, true), "-0 -> 0");
    assertCode(0x80, FloatFormats.floatToE5m2fnuz(Float.NaN, true), "NaN");
    assertCode(0x7F, FloatFormats.floatToE5m2fnuz(Float.POSITIVE_INFINITY, true), "Inf sat");
    assertCode(0xFF, FloatFormats.floatToE5m2fnuz(Float.NEGATIVE_INFINITY, true), "-Inf sat");
    assertCode(0x80, FloatFormats.floatToE5m2fnuz(Float.NEGATIVE_INFINITY, false), "-Inf");
    assertCode(0x7F, FloatFormats.floatToE5m2fnuz(Math.nextDown(61440f), false), "below tie");
    assertCode(0x80, FloatFormats.floatToE5m2fnuz(61440f, false), "tie overflows");
    assertCode(0x7F, FloatFormats.floatToE5m2fnuz(61440f, true), "tie saturates");
    assertCode(0x00, FloatFormats.floatToE5m2fnuz(-0x1p-18f, false), "-tiny -> 0");
    assertCode(0x81, FloatFormats.floatToE5m2fnuz(Math.nextDown(-0x1p-18f), false), "-min sub");
  }

  // ---------------------------------------------------------------------------------------------
  // float4 E2M1
  // ---------------------------------------------------------------------------------------------

  @Test
  void e2m1DecodesTheSpecTable() {
    float[] expected = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f};
    for (int code = 0; code < 8; code++) {
      assertSameFloat(expected[code], FloatFormats.e2m1ToFloat(code), "code " + code);
      assertSameFloat(-expected[code], FloatFormats.e2m1ToFloat(code | 8), "code -" + code);
    }
  }

  @Test
  void e2m1RoundsToNearestEvenAndSaturates() {
    // Ties: 0.25 -> 0, 0.75 -> 1, 1.25 -> 1, 1.75 -> 2, 2.5 -> 2, 3.5 -> 4, 5 -> 4.
    float[] ties = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f};
    int[] codes = {0x0, 0x2, 0x2, 0x4, 0x4, 0x6, 0x6};
    for (int i = 0; i < ties.length; i++) {
      assertCode(codes[i], FloatFormats.floatToE2m1(ties[i]), "tie " + ties[i]);
      assertCode(codes[i] | 8, FloatFormats.floatToE2m1(-ties[i]), "tie -" + ties[i]);
    }
    assertCode(0x1, FloatFormats.floatToE2m1(Math.nextUp(0.25f)), "just above 0.25");
    assertCode(0x7, FloatFormats.floatToE2m1(Math.nextUp(5f)), "just above 5");
    assertCode(0x7, FloatFormats.floatToE2m1(7f), "7 saturates");
    assertCode(0x7, FloatFormats.floatToE2m1(1e30f), "big saturates");
    assertCode(0xF, FloatFormats.floatToE2m1(-8f), "-8 saturates");
    assertCode(0x7, FloatFormats.floatToE2m1(Float.POSITIVE_INFINITY), "Inf -> 6");
    assertCode(0xF, FloatFormats.floatToE2m1(Float.NEGATIVE_INFINITY), "-Inf -> -6");
    assertCode(0x0, FloatFormats.floatToE2m1(0f), "0");
    assertCode(0x8, FloatFormats.floatToE2m1(-0f), "-0");
    assertCode(0x8, FloatFormats.floatToE2m1(-0.1f), "-tiny -> -0");
    // No NaN in the format: ONNX's reference (ml_dtypes) and conformance data give 0x8.
    assertCode(0x8, FloatFormats.floatToE2m1(Float.NaN), "NaN");
    assertCode(0x0, FloatFormats.floatToE2m1(f(0xFFC0_0000)), "-NaN");
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E8M0
  // ---------------------------------------------------------------------------------------------

  @Test
  void e8m0DecodesPowersOfTwo() {
    for (int code = 0; code < 255; code++) {
      assertEquals(Math.scalb(1.0, code - 127), FloatFormats.e8m0ToFloat(code), 0.0, "" + code);
    }
    assertSameFloat(1f, FloatFormats.e8m0ToFloat(0x7F), "one");
    assertSameFloat(f(0x0040_0000), FloatFormats.e8m0ToFloat(0x00), "2^-127 (float subnormal)");
    assertSameFloat(0x1p127f, FloatFormats.e8m0ToFloat(0xFE), "2^127");
    assertTrue(Float.isNaN(FloatFormats.e8m0ToFloat(0xFF)), "NaN");
  }

  @Test
  void e8m0RoundModes() {
    // up: the next power of two unless exact
    assertCode(0x7F, FloatFormats.floatToE8m0(1f, true, "up"), "1 up");
    assertCode(0x80, FloatFormats.floatToE8m0(1.1f, true, "up"), "1.1 up");
    assertCode(0x80, FloatFormats.floatToE8m0(1.25f, true, "up"), "1.25 up");
    assertCode(0x80, FloatFormats.floatToE8m0(Math.nextUp(1f), true, "up"), "1+ up");
    assertCode(0x7C, FloatFormats.floatToE8m0(0.124f, true, "up"), "0.124 up");
    // down: the previous power of two
    assertCode(0x7F, FloatFormats.floatToE8m0(1.99f, true, "down"), "1.99 down");
    assertCode(0x80, FloatFormats.floatToE8m0(3f, true, "down"), "3 down");
    assertCode(0x7E, FloatFormats.floatToE8m0(Math.nextDown(1f), true, "down"), "1- down");
    // nearest: linear midpoint 1.5 * 2^k, ties up
    assertCode(0x80, FloatFormats.floatToE8m0(1.5f, true, "nearest"), "1.5 nearest");
    assertCode(0x7F, FloatFormats.floatToE8m0(Math.nextDown(1.5f), true, "nearest"), "1.5-");
    assertCode(0x81, FloatFormats.floatToE8m0(3f, true, "nearest"), "3 nearest");
    assertCode(0x80, FloatFormats.floatToE8m0(2.9f, true, "nearest"), "2.9 nearest");
    // negative inputs are unspecified by ONNX: |x| is encoded
    assertCode(0x80, FloatFormats.floatToE8m0(-1.1f, true, "up"), "-1.1 up");
    assertThrows(IllegalArgumentException.class, () -> FloatFormats.floatToE8m0(1f, true, "UP"));
    assertThrows(IllegalArgumentException.class, () -> FloatFormats.floatToE8m0(1f, true, null));
  }

  @Test
  void e8m0SpecialValuesFollowTheCastTable() {
    for (String mode : new String[] {"up", "down", "nearest"}) {
      assertCode(0xFF, FloatFormats.floatToE8m0(Float.NaN, true, mode), "NaN " + mode);
      assertCode(0xFF, FloatFormats.floatToE8m0(Float.NaN, false, mode), "NaN " + mode);
      assertCode(0x00, FloatFormats.floatToE8m0(0f, true, mode), "0 sat " + mode);
      assertCode(0xFF, FloatFormats.floatToE8m0(0f, false, mode), "0 no sat " + mode);
      assertCode(0xFE, FloatFormats.floatToE8m0(Float.POSITIVE_INFINITY, true, mode), "Inf");
      assertCode(0xFF, FloatFormats.floatToE8m0(Float.POSITIVE_INFINITY, false, mode), "Inf");
      assertCode(0xFE, FloatFormats.floatToE8m0(0x1p127f, false, mode), "2^127 " + mode);
      assertCode(0x00, FloatFormats.floatToE8m0(f(0x0040_0000), false, mode), "2^-127 " + mode);
      assertCode(0x00, FloatFormats.floatToE8m0(Float.MIN_VALUE, true, mode), "tiny sat");
      assertCode(0xFF, FloatFormats.floatToE8m0(Float.MIN_VALUE, false, mode), "tiny no sat");
      assertCode(0xFE, FloatFormats.floatToE8m0(Float.MAX_VALUE, true, mode), "max sat");
    }
    // Above 2^127: only rounding up leaves the range.
    assertCode(0xFF, FloatFormats.floatToE8m0(Float.MAX_VALUE, false, "up"), "max up");
    assertCode(0xFF, FloatFormats.floatToE8m0(Float.MAX_VALUE, false, "nearest"), "max nearest");
    assertCode(0xFE, FloatFormats.floatToE8m0(Float.MAX_VALUE, false, "down"), "max down");
    assertCode(0xFE, FloatFormats.floatToE8m0(0x1.4p127f, false, "nearest"), "1.25 * 2^127");
    // Float subnormals: 0.75 * 2^-127 rounds up into range, 2^-128 does not.
    float threeQuarters = f(0x0030_0000);
    assertCode(0x00, FloatFormats.floatToE8m0(threeQuarters, false, "up"), "0.75 * 2^-127 up");
    assertCode(0x00, FloatFormats.floatToE8m0(threeQuarters, false, "nearest"), "nearest");
    assertCode(0xFF, FloatFormats.floatToE8m0(threeQuarters, false, "down"), "down");
    assertCode(0x00, FloatFormats.floatToE8m0(threeQuarters, true, "down"), "down sat");
    assertCode(0xFF, FloatFormats.floatToE8m0(f(0x0020_0000), false, "up"), "2^-128 up");
    assertCode(0x01, FloatFormats.floatToE8m0(f(0x0060_0000), false, "nearest"), "1.5*2^-127");
    assertCode(0x01, FloatFormats.floatToE8m0(f(0x0040_0001), false, "up"), "2^-127+ up");
  }

  @Test
  void e8m0MatchesAPowerOfTwoOracle() {
    for (long b = 0; b <= 0xFFFF_FFFFL; b += 4093) {
      float x = f((int) b);
      if (!Float.isFinite(x) || x == 0) {
        continue;
      }
      double ax = Math.abs((double) x);
      int k = Math.getExponent(ax); // exact for float subnormals too, as a double
      double pow = Math.scalb(1.0, k);
      int[] expectedK = {
        k + (ax > pow ? 1 : 0), // up
        k, // down
        k + (ax >= 1.5 * pow ? 1 : 0) // nearest
      };
      String[] modes = {"up", "down", "nearest"};
      for (int m = 0; m < 3; m++) {
        int code = expectedK[m] + 127;
        for (boolean saturate : new boolean[] {true, false}) {
          int expected =
              code > 254 ? (saturate ? 0xFE : 0xFF) : code < 0 ? (saturate ? 0 : 0xFF) : code;
          String mode = modes[m];
          assertCode(
              expected,
              FloatFormats.floatToE8m0(x, saturate, mode),
              () -> "e8m0 " + x + " " + mode + " saturate=" + saturate);
        }
      }
    }
  }

  @Test
  void e8m0RoundTrips() {
    for (int code = 0; code < 255; code++) {
      float value = FloatFormats.e8m0ToFloat(code);
      for (String mode : new String[] {"up", "down", "nearest"}) {
        assertCode(code, FloatFormats.floatToE8m0(value, false, mode), mode + " " + code);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // bfloat16 and float16
  // ---------------------------------------------------------------------------------------------

  @Test
  void bf16RoundTripsAndDecodesExactly() {
    for (int code = 0; code < 0x10000; code++) {
      float value = FloatFormats.bf16ToFloat(code);
      assertEquals(code << 16, Float.floatToRawIntBits(value), "decode " + code);
      if (!Float.isNaN(value)) {
        assertCode(code, FloatFormats.floatToBf16(value), "round trip");
      } else {
        int back = FloatFormats.floatToBf16(value);
        assertCode((code & 0x8000) | 0x7FC0, back, "NaN becomes the quiet NaN");
      }
    }
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertCode(0x3F80, FloatFormats.floatToBf16(f(0x3F80_8000)), "tie to even (down)");
    assertCode(0x3F82, FloatFormats.floatToBf16(f(0x3F81_8000)), "tie to even (up)");
    assertCode(0x3F81, FloatFormats.floatToBf16(f(0x3F80_8001)), "above tie");
    assertCode(0x3F80, FloatFormats.floatToBf16(f(0x3F80_7FFF)), "below tie");
    assertCode(0x7F80, FloatFormats.floatToBf16(Float.MAX_VALUE), "overflow to Inf");
    assertCode(0xFF80, FloatFormats.floatToBf16(-Float.MAX_VALUE), "overflow to -Inf");
    assertCode(0x7F7F, FloatFormats.floatToBf16(f(0x7F7F_7FFF)), "largest finite");
    assertCode(0x8000, FloatFormats.floatToBf16(-0f), "-0");
    assertCode(0x0001, FloatFormats.floatToBf16(f(0x0000_8001)), "subnormal rounds up");
    assertCode(0x0000, FloatFormats.floatToBf16(f(0x0000_8000)), "subnormal tie to even");
    // NaN whose payload lies only in the low half must not become infinity.
    assertCode(0x7FC0, FloatFormats.floatToBf16(f(0x7F80_0001)), "low-payload NaN");
    assertCode(0xFFC0, FloatFormats.floatToBf16(f(0xFF80_0001)), "negative NaN");
    // Oracle sweep: nearest of the two truncation candidates, ties to the even one.
    for (long b = 0; b < 0x7F80_0000L; b += 251) {
      int bits = (int) b;
      int lo = bits >>> 16;
      double dLo = f(bits) - (double) f(lo << 16);
      double hiValue = lo + 1 == 0x7F80 ? 0x1p128 : f((lo + 1) << 16);
      double dHi = hiValue - f(bits);
      int expected = dLo < dHi ? lo : dHi < dLo ? lo + 1 : (lo & 1) == 0 ? lo : lo + 1;
      assertCode(
          expected, FloatFormats.floatToBf16(f(bits)), () -> "bf16 0x" + Integer.toHexString(bits));
      assertCode(expected | 0x8000, FloatFormats.floatToBf16(f(bits | 0x8000_0000)), "-bf16");
    }
  }

  @Test
  void f16KnownValuesAndRoundTrip() {
    assertSameFloat(1f, FloatFormats.f16ToFloat(0x3C00), "one");
    assertSameFloat(65504f, FloatFormats.f16ToFloat(0x7BFF), "max");
    assertSameFloat(0x1p-24f, FloatFormats.f16ToFloat(0x0001), "min subnormal");
    assertSameFloat(Float.NEGATIVE_INFINITY, FloatFormats.f16ToFloat(0xFC00), "-Inf");
    assertCode(0x3C00, FloatFormats.floatToF16(1f), "one");
    assertCode(0x3C00, FloatFormats.floatToF16(1 + 0x1p-11f), "tie to even");
    assertCode(0x3C02, FloatFormats.floatToF16(1 + 0x3p-11f), "tie to even (up)");
    assertCode(0x7C00, FloatFormats.floatToF16(65520f), "overflow");
    assertCode(0x8000, FloatFormats.floatToF16(-0f), "-0");
    assertTrue(Float.isNaN(FloatFormats.f16ToFloat(FloatFormats.floatToF16(Float.NaN))), "NaN");
    for (int code = 0; code < 0x10000; code++) {
      float value = FloatFormats.f16ToFloat(code);
      if (!Float.isNaN(value)) {
        assertCode(code, FloatFormats.floatToF16(value), "round trip");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch
  // ---------------------------------------------------------------------------------------------

  @Test
  void dispatchOnDType() {
    float x = 1.3f;
    assertCode(FloatFormats.floatToF16(x), FloatFormats.fromFloat(DType.FLOAT16, x, true), "f16");
    assertCode(
        FloatFormats.floatToBf16(x), FloatFormats.fromFloat(DType.BFLOAT16, x, true), "bf16");
    assertCode(0x7F, FloatFormats.fromFloat(DType.FLOAT8E4M3FN, 1e6f, false), "e4m3fn");
    assertCode(0x7E, FloatFormats.fromFloat(DType.FLOAT8E4M3FN, 1e6f, true), "e4m3fn sat");
    assertCode(0x80, FloatFormats.fromFloat(DType.FLOAT8E4M3FNUZ, 1e6f, false), "e4m3fnuz");
    assertCode(0x7C, FloatFormats.fromFloat(DType.FLOAT8E5M2, 1e6f, false), "e5m2");
    assertCode(0x7F, FloatFormats.fromFloat(DType.FLOAT8E5M2FNUZ, 1e6f, true), "e5m2fnuz");
    assertCode(0x7, FloatFormats.fromFloat(DType.FLOAT4E2M1, 1e6f, false), "e2m1");
    assertCode(0x80, FloatFormats.fromFloat(DType.FLOAT8E8M0, 1.1f, true), "e8m0 rounds up");
    assertCode(0xFF, FloatFormats.fromFloat(DType.FLOAT8E8M0, 0f, false), "e8m0 no sat");

    DType[] types = {
      DType.FLOAT16,
      DType.BFLOAT16,
      DType.FLOAT8E4M3FN,
      DType.FLOAT8E4M3FNUZ,
      DType.FLOAT8E5M2,
      DType.FLOAT8E5M2FNUZ,
      DType.FLOAT4E2M1,
      DType.FLOAT8E8M0
    };
    Decoder[] decoders = {
      FloatFormats::f16ToFloat,
      FloatFormats::bf16ToFloat,
      FloatFormats::e4m3fnToFloat,
      FloatFormats::e4m3fnuzToFloat,
      FloatFormats::e5m2ToFloat,
      FloatFormats::e5m2fnuzToFloat,
      FloatFormats::e2m1ToFloat,
      FloatFormats::e8m0ToFloat
    };
    for (int t = 0; t < types.length; t++) {
      for (int code = 0; code < 256; code++) {
        assertSameFloat(
            decoders[t].decode(code), FloatFormats.toFloat(types[t], code), types[t].toString());
      }
    }
    for (DType other : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT8, DType.UINT4}) {
      assertThrows(IllegalArgumentException.class, () -> FloatFormats.toFloat(other, 0));
      assertThrows(IllegalArgumentException.class, () -> FloatFormats.fromFloat(other, 0f, true));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Vectors from the ONNX conformance test data (onnx/backend/test/data/node), decoded from the
  // raw_data of test_cast_*, test_quantizelinear_* and test_dequantizelinear_*.
  // ---------------------------------------------------------------------------------------------

  /** Inputs of test_cast_FLOAT_to_FLOAT8* and test_cast_no_saturate_FLOAT_to_FLOAT8*. */
  private static final float[] CAST_F8_INPUT =
      floatsLe(
          "b835f53eb0eef53eb2d6ff3ee5b0513fccccf03e3910393f0024744995bfd6330000c07f0000807f"
              + "0000807f000080ff95bfd6b395bfd633002474c9");

  /** The same inputs as float16 (test_cast_FLOAT16_to_FLOAT8*). */
  private static final int[] CAST_F8_INPUT_F16 =
      shortsLe("aa37af37ff378e3a8637c939007c0200007e007c007c00fc0280020000fc");

  private static void checkCastVector(Encoder encoder, boolean saturate, String outputHex) {
    int[] expected = bytes(outputHex);
    for (int i = 0; i < expected.length; i++) {
      assertCode(expected[i], encoder.encode(CAST_F8_INPUT[i], saturate), "float input " + i);
      float half = FloatFormats.f16ToFloat(CAST_F8_INPUT_F16[i]);
      assertCode(expected[i], encoder.encode(half, saturate), "float16 input " + i);
    }
  }

  @Test
  void conformanceCastToFloat8Saturating() {
    checkCastVector(FloatFormats::floatToE4m3fn, true, "2f2f30352f347e007f7e7efe8000fe");
    checkCastVector(FloatFormats::floatToE4m3fnuz, true, "3737383d373c7f00807f7fff0000ff");
    checkCastVector(FloatFormats::floatToE5m2, true, "3838383b383a7b007e7b7bfb8000fb");
    checkCastVector(FloatFormats::floatToE5m2fnuz, true, "3c3c3c3f3c3e7f00807f7fff0000ff");
  }

  @Test
  void conformanceCastToFloat8NotSaturating() {
    checkCastVector(FloatFormats::floatToE4m3fn, false, "2f2f30352f347f007f7f7fff8000ff");
    checkCastVector(FloatFormats::floatToE4m3fnuz, false, "3737383d373c800080808080000080");
    checkCastVector(FloatFormats::floatToE5m2, false, "3838383b383a7c007e7c7cfc8000fc");
    checkCastVector(FloatFormats::floatToE5m2fnuz, false, "3c3c3c3f3c3e800080808080000080");
  }

  private static void checkDecodeVector(Decoder decoder, String inputHex, String outputHex) {
    int[] input = bytes(inputHex);
    float[] expected = floatsLe(outputHex);
    for (int i = 0; i < input.length; i++) {
      assertSameFloat(expected[i], decoder.decode(input[i]), "code 0x" + Integer.toHexString(i));
    }
  }

  @Test
  void conformanceCastFromFloat8() {
    checkDecodeVector(
        FloatFormats::e4m3fnToFloat,
        "2f2f30352f347e007f7e7efe8000fe",
        "0000f03e0000f03e0000003f0000503f0000f03e0000403f0000e043000000000000c07f0000e043"
            + "0000e0430000e0c300000080000000000000e0c3");
    checkDecodeVector(
        FloatFormats::e4m3fnuzToFloat,
        "3737383d373c7f00807f7fff0000ff",
        "0000f03e0000f03e0000003f0000503f0000f03e0000403f00007043000000000000c0ff00007043"
            + "00007043000070c30000000000000000000070c3");
    checkDecodeVector(
        FloatFormats::e5m2ToFloat,
        "3838383b383a7b007e7b7bfb8000fb",
        "0000003f0000003f0000003f0000603f0000003f0000403f00006047000000000000c07f00006047"
            + "00006047000060c70000008000000000000060c7");
    checkDecodeVector(
        FloatFormats::e5m2fnuzToFloat,
        "3c3c3c3f3c3e7f00807f7fff0000ff",
        "0000003f0000003f0000003f0000603f0000003f0000403f00006047000000000000c0ff00006047"
            + "00006047000060c70000000000000000000060c7");
  }

  @Test
  void conformanceFloat4() {
    // test_cast_FLOAT_to_FLOAT4E2M1: 15 values packed two per byte, low nibble first.
    float[] input =
        floatsLe(
            "8fc2f53e0000803e6666863f000060c0000000c1000010410024744995bfd6330000c07f0000807f"
                + "0000807f000080ff000080c00ad7233c00000080");
    int[] packed = bytes("01e27f0778f70e08");
    float[] decoded =
        floatsLe(
            "0000003f000000000000803f000080c00000c0c00000c0400000c04000000000000000800000c040"
                + "0000c0400000c0c0000080c00000000000000080");
    for (int i = 0; i < input.length; i++) {
      int nibble = (packed[i / 2] >>> (4 * (i % 2))) & 0xF;
      assertCode(nibble, FloatFormats.floatToE2m1(input[i]), "cast " + input[i]);
      assertSameFloat(decoded[i], FloatFormats.e2m1ToFloat(nibble), "decode " + nibble);
    }
  }

  @Test
  void conformanceE8m0() {
    // test_cast_e8m0_FLOAT_to_FLOAT8E8M0 (saturate=1, round_mode="up") and its inverse.
    float[] input = floatsLe("00000000b6f3fd3d0000803e0000003fcdcc8c3f000000400000804000000041");
    int[] codes = bytes("007c7d7e80808182");
    float[] decoded = floatsLe("000040000000003e0000803e0000003f00000040000000400000804000000041");
    for (int i = 0; i < input.length; i++) {
      assertCode(codes[i], FloatFormats.floatToE8m0(input[i], true, "up"), "cast " + input[i]);
      assertSameFloat(decoded[i], FloatFormats.e8m0ToFloat(codes[i]), "decode " + codes[i]);
    }
  }

  @Test
  void conformanceBfloat16() {
    // test_cast_FLOAT_to_BFLOAT16 and test_cast_BFLOAT16_to_FLOAT
    float[] input =
        floatsLe(
            "b835f53eb0eef53eb2d6ff3ee5b0513fccccf03e0c04513fd1ee573e3910393f0000c07f0000807f"
                + "0000807f000080ff");
    int[] codes = shortsLe("f53ef63e003f523ff13e513f583e393fc07f807f807f80ff");
    for (int i = 0; i < input.length; i++) {
      assertCode(codes[i], FloatFormats.floatToBf16(input[i]), "cast " + input[i]);
      assertSameFloat(f(codes[i] << 16), FloatFormats.bf16ToFloat(codes[i]), "decode");
    }
  }

  @Test
  void conformanceQuantizeAndDequantize() {
    // test_quantizelinear_e4m3fn / _e5m2: x = [0, 1, 2, 100000, 200], scale 2, saturate.
    float[] scaled = {0f, 0.5f, 1f, 50000f, 100f};
    int[] e4m3fn = {0, 48, 56, 126, 108};
    int[] e5m2 = {0, 56, 60, 122, 86};
    for (int i = 0; i < scaled.length; i++) {
      assertCode(e4m3fn[i], FloatFormats.floatToE4m3fn(scaled[i], true), "q e4m3fn " + i);
      assertCode(e5m2[i], FloatFormats.floatToE5m2(scaled[i], true), "q e5m2 " + i);
    }
    // test_dequantizelinear_e4m3fn / _e5m2: codes times scale 2.
    int[] dqE4m3fn = {0, 48, 56, 126, 237};
    float[] dqE4m3fnOut = floatsLe("000000000000803f0000004000006044000050c3");
    int[] dqE5m2 = {0, 56, 60, 122, 214};
    float[] dqE5m2Out = floatsLe("000000000000803f000000400000c047000040c3");
    for (int i = 0; i < 5; i++) {
      assertSameFloat(dqE4m3fnOut[i], FloatFormats.e4m3fnToFloat(dqE4m3fn[i]) * 2f, "dq e4m3fn");
      assertSameFloat(dqE5m2Out[i], FloatFormats.e5m2ToFloat(dqE5m2[i]) * 2f, "dq e5m2");
    }
  }
}
