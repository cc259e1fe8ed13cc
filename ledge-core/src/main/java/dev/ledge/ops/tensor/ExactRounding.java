package dev.ledge.ops.tensor;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;

/**
 * Correctly rounded conversions of doubles and 64-bit integers to the float formats, built on the
 * float-input encoders of {@link FloatFormats}.
 *
 * <p>Going through {@code float} first rounds twice. That can only go wrong when the float lands
 * exactly on a decision point of the target format (a tie between two neighbours, or the overflow
 * threshold) while the exact value lies to one side of it: every decision point of these formats is
 * itself a float, so no decision point can lie strictly between the exact value and its nearest
 * float. In that case the float is nudged one float ulp towards the exact value (far less than the
 * target's half ulp) and then encoded. E8M0, whose decision points depend on the rounding mode, is
 * encoded straight from the double's bits.
 */
final class ExactRounding {
  private static final double TWO_63 = 0x1p63;
  private static final double TWO_64 = 0x1p64;

  private ExactRounding() {}

  /** Mantissa bits of a small float format (ties-to-even formats only). */
  private static int mantissaBits(DType t) {
    return switch (t) {
      case FLOAT16 -> 10;
      case BFLOAT16 -> 7;
      case FLOAT8E4M3FN, FLOAT8E4M3FNUZ -> 3;
      case FLOAT8E5M2, FLOAT8E5M2FNUZ -> 2;
      case FLOAT4E2M1 -> 1;
      default -> throw new IllegalArgumentException("not a small float type: " + t);
    };
  }

  /** Exponent bias of a small float format. */
  private static int bias(DType t) {
    return switch (t) {
      case FLOAT16, FLOAT8E5M2 -> 15;
      case BFLOAT16 -> 127;
      case FLOAT8E4M3FN -> 7;
      case FLOAT8E4M3FNUZ -> 8;
      case FLOAT8E5M2FNUZ -> 16;
      case FLOAT4E2M1 -> 1;
      default -> throw new IllegalArgumentException("not a small float type: " + t);
    };
  }

  /**
   * True if the finite float {@code f} is an odd multiple of half the target's quantum in its
   * binade: a tie between two neighbours, or the overflow threshold just above the largest value.
   */
  static boolean isTiePoint(DType t, float f) {
    double a = Math.abs((double) f);
    if (a == 0 || Double.isInfinite(a) || Double.isNaN(a)) {
      return false;
    }
    int m = mantissaBits(t);
    int e = Math.max(Math.getExponent(a), 1 - bias(t));
    double x = Math.scalb(a, -(e - m - 1));
    return x == Math.rint(x) && x % 2.0 == 1.0;
  }

  /** The encoding of {@code d} in the small float type {@code t} (see the class comment). */
  static int smallFromDouble(DType t, double d, boolean saturate, String roundMode) {
    if (t == DType.FLOAT8E8M0) {
      return e8m0FromDouble(d, saturate, roundMode);
    }
    float f = (float) d;
    if (f != d && !Double.isNaN(d) && !Float.isInfinite(f) && isTiePoint(t, f)) {
      f = d > f ? Math.nextUp(f) : Math.nextDown(f);
    }
    return FloatFormats.fromFloat(t, f, saturate);
  }

  /** The encoding of the integer {@code v} (unsigned if {@code unsigned}) in {@code t}. */
  static int smallFromLong(DType t, long v, boolean unsigned, boolean saturate, String roundMode) {
    if (t == DType.FLOAT8E8M0) {
      return e8m0FromLong(v, unsigned, saturate, roundMode);
    }
    float f = toFloat(v, unsigned);
    int cmp = compare(v, unsigned, f);
    if (cmp != 0 && !Float.isInfinite(f) && isTiePoint(t, f)) {
      f = cmp > 0 ? Math.nextUp(f) : Math.nextDown(f);
    }
    return FloatFormats.fromFloat(t, f, saturate);
  }

  /** {@code v} (unsigned if {@code unsigned}) rounded to the nearest float, ties to even. */
  static float toFloat(long v, boolean unsigned) {
    if (!unsigned || v >= 0) {
      return (float) v;
    }
    // Halve with a sticky low bit so that the single rounding to float stays correct.
    return ((float) ((v >>> 1) | (v & 1))) * 2f;
  }

  /** {@code v} (unsigned if {@code unsigned}) rounded to the nearest double, ties to even. */
  static double toDouble(long v, boolean unsigned) {
    if (!unsigned || v >= 0) {
      return (double) v;
    }
    return ((double) ((v >>> 1) | (v & 1))) * 2.0;
  }

  /** Sign of {@code v - f} for an integer {@code v} and an integral float {@code f}. */
  private static int compare(long v, boolean unsigned, float f) {
    if (unsigned) {
      if (f >= TWO_64) {
        return -1;
      }
      long fv = f >= TWO_63 ? ((long) (f / 2)) << 1 : (long) f;
      return Long.compareUnsigned(v, fv);
    }
    if (f >= TWO_63) {
      return -1;
    }
    return Long.compare(v, (long) f);
  }

  /**
   * Truncates a double toward zero into the 64-bit pattern of an integer type: uint64 values from
   * 2^63 up keep their bit pattern. Out-of-range values (undefined in ONNX) saturate first.
   */
  static long truncate(double d, boolean toUnsigned64) {
    if (toUnsigned64 && d >= TWO_63) {
      return (long) (d - TWO_63) ^ Long.MIN_VALUE;
    }
    return (long) d;
  }

  private static int roundModeCode(String roundMode) {
    return switch (roundMode) {
      case "up" -> 1;
      case "down" -> 0;
      case "nearest" -> 2;
      case null, default ->
          throw new IllegalArgumentException(
              "round_mode must be \"up\", \"down\" or \"nearest\", not " + roundMode);
    };
  }

  /** E8M0 of a double, with the semantics of {@link FloatFormats#floatToE8m0}. */
  static int e8m0FromDouble(double d, boolean saturate, String roundMode) {
    int mode = roundModeCode(roundMode);
    long abs = Double.doubleToRawLongBits(d) & Long.MAX_VALUE;
    if (Double.isNaN(d)) {
      return 0xFF;
    }
    if (Double.isInfinite(d)) {
      return saturate ? 0xFE : 0xFF;
    }
    if (abs == 0) {
      return saturate ? 0 : 0xFF;
    }
    int exponent = Math.getExponent(d);
    long fraction = abs & 0xF_FFFF_FFFF_FFFFL;
    if (exponent < Double.MIN_EXPONENT) {
      int shift = Long.numberOfLeadingZeros(fraction) - 11; // moves the top set bit to bit 52
      exponent = Double.MIN_EXPONENT - shift;
      fraction = (fraction << shift) & 0xF_FFFF_FFFF_FFFFL;
    }
    boolean roundUp =
        switch (mode) {
          case 1 -> fraction != 0;
          case 2 -> (fraction & (1L << 51)) != 0;
          default -> false;
        };
    return e8m0Code(exponent + (roundUp ? 1 : 0), saturate);
  }

  /** E8M0 of an integer: |v| = 2^e * 1.f exactly from the bits, no intermediate rounding. */
  static int e8m0FromLong(long v, boolean unsigned, boolean saturate, String roundMode) {
    int mode = roundModeCode(roundMode);
    if (v == 0) {
      return saturate ? 0 : 0xFF;
    }
    long mag = !unsigned && v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63 read as unsigned
    int top = 63 - Long.numberOfLeadingZeros(mag);
    long below = top == 0 ? 0 : mag & ((1L << top) - 1);
    boolean roundUp =
        switch (mode) {
          case 1 -> below != 0;
          case 2 -> top > 0 && (below & (1L << (top - 1))) != 0;
          default -> false;
        };
    return e8m0Code(top + (roundUp ? 1 : 0), saturate);
  }

  private static int e8m0Code(int exponent, boolean saturate) {
    int code = exponent + 127;
    if (code > 0xFE) {
      return saturate ? 0xFE : 0xFF;
    }
    if (code < 0) {
      return saturate ? 0 : 0xFF;
    }
    return code;
  }
}
