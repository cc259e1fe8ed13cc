package dev.ledge.ops.quant;

import dev.ledge.tensor.DType;

/**
 * Shared arithmetic of the quantization operators: integer ranges of the quantized types, rounding
 * to a floating-point precision, and saturating a rounded value into an integer range.
 */
final class Quantization {
  private Quantization() {}

  /** True for the integer types QuantizeLinear/DequantizeLinear can produce or read. */
  static boolean isQuantInteger(DType t) {
    return switch (t) {
      case INT8, UINT8, INT16, UINT16, INT4, UINT4, INT2, UINT2 -> true;
      default -> false;
    };
  }

  /** True for the small float types QuantizeLinear/DequantizeLinear can produce or read. */
  static boolean isQuantFloat(DType t) {
    return switch (t) {
      case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT4E2M1 -> true;
      default -> false;
    };
  }

  /** Smallest value of an integer type (int8 ... int64, uint*, int4/int2). */
  static long min(DType t) {
    return switch (t) {
      case INT2 -> -2;
      case INT4 -> -8;
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      case UINT2, UINT4, UINT8, UINT16, UINT32, UINT64 -> 0;
      default -> throw new IllegalArgumentException("not an integer type: " + t);
    };
  }

  /** Largest value of an integer type up to 32 bits. */
  static long max(DType t) {
    return switch (t) {
      case INT2 -> 1;
      case UINT2 -> 3;
      case INT4 -> 7;
      case UINT4 -> 15;
      case INT8 -> Byte.MAX_VALUE;
      case UINT8 -> 0xFF;
      case INT16 -> Short.MAX_VALUE;
      case UINT16 -> 0xFFFF;
      case INT32 -> Integer.MAX_VALUE;
      case UINT32 -> 0xFFFF_FFFFL;
      default -> throw new IllegalArgumentException("not a small integer type: " + t);
    };
  }

  /**
   * Rounds {@code v} to the nearest integer (ties to even) and saturates it to {@code [lo, hi]}.
   * NaN gives {@code lo}, as in the ONNX reference implementation and ONNX Runtime on x86 (both
   * turn NaN into the most negative integer before saturating); the spec leaves NaN undefined.
   */
  static long saturateRound(double v, long lo, long hi) {
    if (v != v) {
      return lo;
    }
    double r = Math.rint(v);
    if (r <= lo) {
      return lo;
    }
    if (r >= hi) {
      return hi;
    }
    return (long) r;
  }

  /** True if {@code t} is a precision division and scaling can be done in: float32/16, bfloat16. */
  static boolean isArithmeticPrecision(DType t) {
    return t == DType.FLOAT32 || t == DType.FLOAT16 || t == DType.BFLOAT16;
  }

  /**
   * Rounds {@code v} to the nearest value of type {@code t} (float32, float16 or bfloat16), ties to
   * even, in one step (no double rounding through float); overflow gives infinity.
   */
  static double roundTo(double v, DType t) {
    return switch (t) {
      case FLOAT32 -> (float) v;
      case FLOAT16 -> roundToBinary(v, 10, -14, 65504.0);
      case BFLOAT16 -> roundToBinary(v, 7, -126, 0x1.FEp127);
      default -> throw new IllegalArgumentException("not an arithmetic precision: " + t);
    };
  }

  /**
   * Rounds to a binary format with {@code manBits} stored mantissa bits, smallest normal exponent
   * {@code minExp} and largest finite value {@code max}. Scaling by a power of two is exact, so
   * rint performs the only rounding.
   */
  private static double roundToBinary(double v, int manBits, int minExp, double max) {
    if (v != v || Double.isInfinite(v) || v == 0) {
      return v;
    }
    int e = Math.max(Math.getExponent(v), minExp);
    double ulp = Math.scalb(1.0, e - manBits);
    double r = Math.rint(v / ulp) * ulp;
    // Values that round above the largest finite value overflow to infinity (IEEE rounding).
    if (Math.abs(r) > max) {
      return r > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    return r == 0 ? Math.copySign(0.0, v) : r;
  }
}
