package dev.ledge.tensor;

/**
 * Bit-exact conversions between Java {@code float} and the small floating-point formats ONNX
 * defines: float16, bfloat16, the four float8 formats (E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ), float4
 * E2M1 and the MX scale format float8 E8M0.
 *
 * <p>An encoded value is passed around as the raw bit pattern in the low bits of an {@code int};
 * decoders read only those low bits, so a sign-extended {@code byte} or {@code short} works as
 * well. Decoding is always exact. Encoding rounds to nearest, ties to even (except E8M0, which has
 * its own rounding modes), and follows the tables of the ONNX Cast operator for zeros, NaN,
 * infinities and out-of-range values. Where those tables are silent, the behaviour matches the ONNX
 * reference implementation (ml_dtypes), which produced the ONNX conformance test data.
 */
public final class FloatFormats {

  private FloatFormats() {}

  private static final int FLOAT_SIGN = 0x8000_0000;
  private static final int FLOAT_ABS = 0x7FFF_FFFF;
  private static final int FLOAT_INF = 0x7F80_0000;
  private static final int FLOAT_QUIET_NAN = 0x7FC0_0000;

  // ---------------------------------------------------------------------------------------------
  // Shared machinery for the minifloat formats (float8 and float4).
  // ---------------------------------------------------------------------------------------------

  /**
   * Rounds a finite, non-negative float (given by its bits, sign cleared) to a minifloat with
   * {@code manBits} mantissa bits and exponent bias {@code bias}, ties to even, with subnormals.
   * Returns the magnitude code (exponent and mantissa fields). The code is not clamped: a result
   * above the format's largest finite code means the value overflowed after rounding.
   */
  private static int roundToMinifloat(int absBits, int manBits, int bias) {
    int floatExp = absBits >>> 23;
    int floatMan = absBits & 0x7F_FFFF;
    // value = significand * 2^(exponent - 23), significand carrying the implicit bit if normal
    int significand = floatExp == 0 ? floatMan : floatMan | 0x80_0000;
    int exponent = (floatExp == 0 ? 1 : floatExp) - 127;
    if (significand == 0) {
      return 0;
    }
    int targetExp = exponent + bias; // biased exponent in the target format, if normal
    int shift = 23 - manBits;
    if (targetExp < 1) {
      shift += 1 - targetExp; // subnormal in the target: drop more bits
    }
    // A shift of 25 already rounds every significand (< 2^24) to zero.
    shift = Math.min(shift, 25);
    int quotient = significand >>> shift;
    int remainder = significand & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (remainder > half || (remainder == half && (quotient & 1) != 0)) {
      quotient++;
    }
    // For a normal result, quotient holds the implicit bit at position manBits, so adding it to
    // (targetExp - 1) << manBits yields the exponent field; a rounding carry flows into the
    // exponent.
    return (Math.max(targetExp - 1, 0) << manBits) + quotient;
  }

  /** Exact value of a minifloat magnitude code (no sign, no special values). */
  private static float minifloatMagnitude(int code, int manBits, int bias) {
    int exp = code >>> manBits;
    int man = code & ((1 << manBits) - 1);
    if (exp == 0) {
      return Math.scalb((float) man, 1 - bias - manBits);
    }
    return Math.scalb((float) ((1 << manBits) | man), exp - bias - manBits);
  }

  private static float quietNaN(boolean negative) {
    return Float.intBitsToFloat(negative ? FLOAT_SIGN | FLOAT_QUIET_NAN : FLOAT_QUIET_NAN);
  }

  /** A decoder of one code, used to fill the lookup tables. */
  private interface Decoder {
    float decode(int code);
  }

  private static float[] decodeTable(int size, Decoder decoder) {
    float[] table = new float[size];
    for (int code = 0; code < size; code++) {
      table[code] = decoder.decode(code);
    }
    return table;
  }

  // ---------------------------------------------------------------------------------------------
  // bfloat16: 1 sign, 8 exponent, 7 mantissa bits (the top half of a float).
  // ---------------------------------------------------------------------------------------------

  /**
   * Decodes a bfloat16 (low 16 bits of {@code bits}) to float. Exact: bfloat16 is the upper half of
   * a float32.
   */
  public static float bf16ToFloat(int bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /**
   * Encodes a float as bfloat16, rounding to nearest, ties to even. Values beyond the bfloat16
   * range round to infinity as in IEEE 754; infinities and zeros keep their sign. NaN becomes the
   * quiet NaN {@code 0x7FC0} (or {@code 0xFFC0} if the sign bit is set), so a NaN can never turn
   * into an infinity by truncation.
   */
  public static int floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if ((bits & FLOAT_ABS) > FLOAT_INF) {
      return ((bits >>> 16) & 0x8000) | 0x7FC0;
    }
    int lsb = (bits >>> 16) & 1;
    return ((bits + 0x7FFF + lsb) >>> 16) & 0xFFFF;
  }

  // ---------------------------------------------------------------------------------------------
  // float16: IEEE 754 binary16.
  // ---------------------------------------------------------------------------------------------

  /** Decodes an IEEE 754 half-precision float (low 16 bits of {@code bits}) to float. Exact. */
  public static float f16ToFloat(int bits) {
    return Float.float16ToFloat((short) bits);
  }

  /**
   * Encodes a float as IEEE 754 half precision, rounding to nearest, ties to even; overflow gives
   * infinity, NaN stays NaN ({@link Float#floatToFloat16}).
   */
  public static int floatToF16(float f) {
    return Float.floatToFloat16(f) & 0xFFFF;
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E4M3FN: bias 7, no infinities, NaN = S.1111.111, max 448.
  // ---------------------------------------------------------------------------------------------

  private static final int E4M3FN_MAX = 0x7E;
  private static final int E4M3FN_NAN = 0x7F;
  private static final float[] E4M3FN_VALUES = decodeTable(256, FloatFormats::decodeE4m3fn);

  private static float decodeE4m3fn(int bits) {
    boolean negative = (bits & 0x80) != 0;
    int mag = bits & 0x7F;
    if (mag == E4M3FN_NAN) {
      return quietNaN(negative);
    }
    float value = minifloatMagnitude(mag, 3, 7);
    return negative ? -value : value;
  }

  /**
   * Decodes a float8 E4M3FN (low 8 bits of {@code bits}): 1 sign, 4 exponent (bias 7), 3 mantissa
   * bits, subnormals, no infinities; {@code 0x7F} and {@code 0xFF} are NaN, {@code 0x80} is -0. The
   * largest finite value is 448, the smallest subnormal 2^-9.
   */
  public static float e4m3fnToFloat(int bits) {
    return E4M3FN_VALUES[bits & 0xFF];
  }

  /**
   * Encodes a float as float8 E4M3FN, rounding to nearest, ties to even. NaN becomes {@code 0x7F}
   * ({@code 0xFF} if its sign bit is set). With {@code saturate}, infinities and values whose
   * rounded magnitude exceeds 448 become ±448 ({@code 0x7E}/{@code 0xFE}); without it they become
   * NaN with the input's sign. Zeros keep their sign.
   */
  public static int floatToE4m3fn(float f, boolean saturate) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 24) & 0x80;
    int abs = bits & FLOAT_ABS;
    if (abs > FLOAT_INF) {
      return sign | E4M3FN_NAN;
    }
    if (abs == FLOAT_INF) {
      return sign | (saturate ? E4M3FN_MAX : E4M3FN_NAN);
    }
    int mag = roundToMinifloat(abs, 3, 7);
    if (mag > E4M3FN_MAX) {
      mag = saturate ? E4M3FN_MAX : E4M3FN_NAN;
    }
    return sign | mag;
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E4M3FNUZ: bias 8, no infinities, no -0, single NaN = 0x80, max 240.
  // ---------------------------------------------------------------------------------------------

  private static final int FNUZ_NAN = 0x80;
  private static final int FNUZ_MAX = 0x7F;
  private static final float[] E4M3FNUZ_VALUES = decodeTable(256, FloatFormats::decodeE4m3fnuz);

  private static float decodeE4m3fnuz(int bits) {
    if (bits == FNUZ_NAN) {
      return quietNaN(true);
    }
    float value = minifloatMagnitude(bits & 0x7F, 3, 8);
    return (bits & 0x80) != 0 ? -value : value;
  }

  /**
   * Decodes a float8 E4M3FNUZ (low 8 bits of {@code bits}): 1 sign, 4 exponent (bias 8), 3 mantissa
   * bits, subnormals, no infinities and no negative zero; {@code 0x80} is the only NaN. The largest
   * finite value is 240, the smallest subnormal 2^-10.
   */
  public static float e4m3fnuzToFloat(int bits) {
    return E4M3FNUZ_VALUES[bits & 0xFF];
  }

  /**
   * Encodes a float as float8 E4M3FNUZ, rounding to nearest, ties to even. NaN becomes {@code
   * 0x80}; -0 and negative values that round to zero become {@code 0x00}. With {@code saturate},
   * infinities and values whose rounded magnitude exceeds 240 become ±240 ({@code 0x7F}/{@code
   * 0xFF}); without it they become NaN ({@code 0x80}).
   */
  public static int floatToE4m3fnuz(float f, boolean saturate) {
    return floatToFnuz(f, saturate, 3, 8);
  }

  /** Common encoder of the two FNUZ formats, which differ only in their field widths and bias. */
  private static int floatToFnuz(float f, boolean saturate, int manBits, int bias) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 24) & 0x80;
    int abs = bits & FLOAT_ABS;
    if (abs > FLOAT_INF) {
      return FNUZ_NAN;
    }
    int mag = abs == FLOAT_INF ? FNUZ_MAX + 1 : roundToMinifloat(abs, manBits, bias);
    if (mag > FNUZ_MAX) {
      return saturate ? sign | FNUZ_MAX : FNUZ_NAN;
    }
    return mag == 0 ? 0 : sign | mag;
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E5M2: bias 15, IEEE-like: infinities S.11111.00, NaN S.11111.{01,10,11}, max 57344.
  // ---------------------------------------------------------------------------------------------

  private static final int E5M2_MAX = 0x7B;
  private static final int E5M2_INF = 0x7C;
  private static final int E5M2_NAN = 0x7E;
  private static final float[] E5M2_VALUES = decodeTable(256, FloatFormats::decodeE5m2);

  private static float decodeE5m2(int bits) {
    boolean negative = (bits & 0x80) != 0;
    int mag = bits & 0x7F;
    if (mag > E5M2_INF) {
      return quietNaN(negative);
    }
    if (mag == E5M2_INF) {
      return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    float value = minifloatMagnitude(mag, 2, 15);
    return negative ? -value : value;
  }

  /**
   * Decodes a float8 E5M2 (low 8 bits of {@code bits}): 1 sign, 5 exponent (bias 15), 2 mantissa
   * bits, IEEE 754 style: subnormals, ±0, ±infinity ({@code 0x7C}/{@code 0xFC}) and NaNs (exponent
   * all ones, mantissa non-zero). The largest finite value is 57344, the smallest subnormal 2^-16.
   */
  public static float e5m2ToFloat(int bits) {
    return E5M2_VALUES[bits & 0xFF];
  }

  /**
   * Encodes a float as float8 E5M2, rounding to nearest, ties to even. NaN becomes the quiet NaN
   * {@code 0x7E} ({@code 0xFE} if its sign bit is set). With {@code saturate}, infinities and
   * values whose rounded magnitude exceeds 57344 become ±57344 ({@code 0x7B}/{@code 0xFB}); without
   * it they become ±infinity ({@code 0x7C}/{@code 0xFC}). Zeros keep their sign.
   */
  public static int floatToE5m2(float f, boolean saturate) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 24) & 0x80;
    int abs = bits & FLOAT_ABS;
    if (abs > FLOAT_INF) {
      return sign | E5M2_NAN;
    }
    int mag = abs == FLOAT_INF ? E5M2_INF : roundToMinifloat(abs, 2, 15);
    if (mag > E5M2_MAX) {
      mag = saturate ? E5M2_MAX : E5M2_INF;
    }
    return sign | mag;
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E5M2FNUZ: bias 16, no infinities, no -0, single NaN = 0x80, max 57344.
  // ---------------------------------------------------------------------------------------------

  private static final float[] E5M2FNUZ_VALUES = decodeTable(256, FloatFormats::decodeE5m2fnuz);

  private static float decodeE5m2fnuz(int bits) {
    if (bits == FNUZ_NAN) {
      return quietNaN(true);
    }
    float value = minifloatMagnitude(bits & 0x7F, 2, 16);
    return (bits & 0x80) != 0 ? -value : value;
  }

  /**
   * Decodes a float8 E5M2FNUZ (low 8 bits of {@code bits}): 1 sign, 5 exponent (bias 16), 2
   * mantissa bits, subnormals, no infinities and no negative zero; {@code 0x80} is the only NaN.
   * The largest finite value is 57344, the smallest subnormal 2^-17.
   */
  public static float e5m2fnuzToFloat(int bits) {
    return E5M2FNUZ_VALUES[bits & 0xFF];
  }

  /**
   * Encodes a float as float8 E5M2FNUZ, rounding to nearest, ties to even. NaN becomes {@code
   * 0x80}; -0 and negative values that round to zero become {@code 0x00}. With {@code saturate},
   * infinities and values whose rounded magnitude exceeds 57344 become ±57344 ({@code 0x7F}/{@code
   * 0xFF}); without it they become NaN ({@code 0x80}).
   */
  public static int floatToE5m2fnuz(float f, boolean saturate) {
    return floatToFnuz(f, saturate, 2, 16);
  }

  // ---------------------------------------------------------------------------------------------
  // float4 E2M1: bias 1, no infinities, no NaN; values 0, 0.5, 1, 1.5, 2, 3, 4, 6.
  // ---------------------------------------------------------------------------------------------

  private static final int E2M1_MAX = 0x7;
  private static final float[] E2M1_VALUES = decodeTable(16, FloatFormats::decodeE2m1);

  private static float decodeE2m1(int bits) {
    float value = minifloatMagnitude(bits & 0x7, 1, 1);
    return (bits & 0x8) != 0 ? -value : value;
  }

  /**
   * Decodes a float4 E2M1 (low 4 bits of {@code bits}): 1 sign, 2 exponent (bias 1), 1 mantissa
   * bit; magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6. Every code is a number ({@code 0x8} is -0).
   */
  public static float e2m1ToFloat(int bits) {
    return E2M1_VALUES[bits & 0xF];
  }

  /**
   * Encodes a float as float4 E2M1, rounding to nearest, ties to even, always saturating: values of
   * magnitude above 6 and infinities become ±6 ({@code 0x7}/{@code 0xF}). Zeros keep their sign.
   *
   * <p>The format has no NaN. The ONNX float4 note says NaN should become 6, but the ONNX reference
   * implementation (ml_dtypes) and the ONNX conformance data map NaN to the format's designated
   * "NaN" code {@code 0x8} (which reads back as -0), and a NaN with the sign bit set to {@code
   * 0x0}; this follows the reference, so results match the conformance tests bit for bit.
   */
  public static int floatToE2m1(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 28) & 0x8;
    int abs = bits & FLOAT_ABS;
    if (abs > FLOAT_INF) {
      return sign ^ 0x8;
    }
    int mag = abs == FLOAT_INF ? E2M1_MAX : roundToMinifloat(abs, 1, 1);
    return sign | Math.min(mag, E2M1_MAX);
  }

  // ---------------------------------------------------------------------------------------------
  // float8 E8M0 (MX scale): unsigned, 8 exponent bits (bias 127), no mantissa; 0xFF = NaN.
  // ---------------------------------------------------------------------------------------------

  private static final int E8M0_MAX = 0xFE;
  private static final int E8M0_NAN = 0xFF;

  /**
   * Decodes a float8 E8M0 (low 8 bits of {@code bits}): the value is 2^(bits - 127), from 2^-127
   * ({@code 0x00}) to 2^127 ({@code 0xFE}); {@code 0xFF} is NaN. There is no zero and no sign.
   */
  public static float e8m0ToFloat(int bits) {
    int code = bits & 0xFF;
    if (code == E8M0_NAN) {
      return Float.intBitsToFloat(FLOAT_QUIET_NAN);
    }
    return Math.scalb(1.0f, code - 127);
  }

  /**
   * Encodes a float as float8 E8M0 (a power of two), as the ONNX Cast operator (opset 24) does.
   *
   * <p>{@code roundMode} chooses between the two powers of two around |x|: {@code "up"} takes the
   * larger unless |x| is exactly a power of two, {@code "down"} the smaller, {@code "nearest"} the
   * nearer one with ties (|x| = 1.5 * 2^k) going up. NaN becomes {@code 0xFF}. Infinity, and a
   * rounded value above 2^127, become 2^127 ({@code 0xFE}) with {@code saturate} and NaN without;
   * zero, and a rounded value below 2^-127, become 2^-127 ({@code 0x00}) with {@code saturate} and
   * NaN without. ONNX leaves negative inputs unspecified; like the ONNX reference implementation,
   * this encodes |x|.
   *
   * @throws IllegalArgumentException if {@code roundMode} is not "up", "down" or "nearest"
   */
  public static int floatToE8m0(float f, boolean saturate, String roundMode) {
    int mode =
        switch (roundMode) {
          case "up" -> 1;
          case "down" -> 0;
          case "nearest" -> 2;
          case null, default ->
              throw new IllegalArgumentException(
                  "round_mode must be \"up\", \"down\" or \"nearest\", not " + roundMode);
        };
    int abs = Float.floatToRawIntBits(f) & FLOAT_ABS;
    if (abs > FLOAT_INF) {
      return E8M0_NAN;
    }
    if (abs == FLOAT_INF) {
      return saturate ? E8M0_MAX : E8M0_NAN;
    }
    if (abs == 0) {
      return saturate ? 0 : E8M0_NAN;
    }
    // |x| = 2^exponent * 1.fraction, with fraction left-aligned in 23 bits (subnormals normalized).
    int floatExp = abs >>> 23;
    int fraction = abs & 0x7F_FFFF;
    int exponent;
    if (floatExp == 0) {
      int shift = Integer.numberOfLeadingZeros(fraction) - 8; // moves the top set bit to bit 23
      exponent = -126 - shift;
      fraction = (fraction << shift) & 0x7F_FFFF;
    } else {
      exponent = floatExp - 127;
    }
    boolean roundUp =
        switch (mode) {
          case 1 -> fraction != 0;
          case 2 -> (fraction & 0x40_0000) != 0;
          default -> false;
        };
    int code = exponent + (roundUp ? 1 : 0) + 127;
    if (code > E8M0_MAX) {
      return saturate ? E8M0_MAX : E8M0_NAN;
    }
    if (code < 0) {
      return saturate ? 0 : E8M0_NAN;
    }
    return code;
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch on DType.
  // ---------------------------------------------------------------------------------------------

  /**
   * Decodes one element of a small float type to float: FLOAT16, BFLOAT16, the four float8 types,
   * FLOAT4E2M1 or FLOAT8E8M0.
   *
   * @throws IllegalArgumentException for any other type
   */
  public static float toFloat(DType type, int bits) {
    return switch (type) {
      case FLOAT16 -> f16ToFloat(bits);
      case BFLOAT16 -> bf16ToFloat(bits);
      case FLOAT8E4M3FN -> e4m3fnToFloat(bits);
      case FLOAT8E4M3FNUZ -> e4m3fnuzToFloat(bits);
      case FLOAT8E5M2 -> e5m2ToFloat(bits);
      case FLOAT8E5M2FNUZ -> e5m2fnuzToFloat(bits);
      case FLOAT4E2M1 -> e2m1ToFloat(bits);
      case FLOAT8E8M0 -> e8m0ToFloat(bits);
      default -> throw new IllegalArgumentException("not a small float type: " + type);
    };
  }

  /**
   * Encodes a float as one element of a small float type: FLOAT16, BFLOAT16, the four float8 types,
   * FLOAT4E2M1 or FLOAT8E8M0. {@code saturate} applies to the float8 types and E8M0 (which rounds
   * "up", the ONNX default); float16 and bfloat16 overflow to infinity and float4 always saturates.
   *
   * @throws IllegalArgumentException for any other type
   */
  public static int fromFloat(DType type, float f, boolean saturate) {
    return switch (type) {
      case FLOAT16 -> floatToF16(f);
      case BFLOAT16 -> floatToBf16(f);
      case FLOAT8E4M3FN -> floatToE4m3fn(f, saturate);
      case FLOAT8E4M3FNUZ -> floatToE4m3fnuz(f, saturate);
      case FLOAT8E5M2 -> floatToE5m2(f, saturate);
      case FLOAT8E5M2FNUZ -> floatToE5m2fnuz(f, saturate);
      case FLOAT4E2M1 -> floatToE2m1(f);
      case FLOAT8E8M0 -> floatToE8m0(f, saturate, "up");
      default -> throw new IllegalArgumentException("not a small float type: " + type);
    };
  }
}
