package dev.ledge.ops.tensor;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;

/**
 * Converts every element of a tensor to another element type, with the ONNX Cast rules.
 *
 * <ul>
 *   <li>Float to float rounds to nearest, ties to even, once (see {@link ExactRounding}); float8
 *       follows {@code saturate}, float8e8m0 follows {@code saturate} and {@code round_mode}.
 *   <li>Float to integer truncates toward zero; to the packed 4- and 2-bit integers it rounds to
 *       nearest even first (ONNX int4 note). The result wraps to the type's width (out-of-range
 *       values are undefined in ONNX).
 *   <li>Integer to integer wraps (keeps the low bits); integer to float rounds once.
 *   <li>Anything to bool is "non-zero" (NaN is true); bool to anything is 0 or 1.
 *   <li>Strings: see {@link NumberText}.
 * </ul>
 */
final class ElementCast {
  private final DType from;
  private final DType to;
  private final boolean saturate;
  private final String roundMode;

  ElementCast(DType from, DType to, boolean saturate, String roundMode) {
    this.from = from;
    this.to = to;
    this.saturate = saturate;
    this.roundMode = roundMode;
  }

  /** True if this pair is implemented (complex values have no ONNX cast). */
  /** The source type. */
  DType from() {
    return from;
  }

  static boolean supports(DType from, DType to) {
    return from.kind() != DType.Kind.COMPLEX && to.kind() != DType.Kind.COMPLEX;
  }

  /** Writes the converted elements of {@code src} into {@code dst} (same size). */
  void run(Tensor src, Tensor dst) {
    int n = src.size();
    if (from == to) {
      Elements.copy(src, 0, dst, 0, n);
      return;
    }
    if (fastPath(src, dst, n)) {
      return;
    }
    if (from == DType.STRING) {
      for (int i = 0; i < n; i++) {
        writeString(dst, i, src.getString(i));
      }
    } else if (to == DType.STRING) {
      for (int i = 0; i < n; i++) {
        dst.setString(i, format(src, i));
      }
    } else if (from.isFloatingPoint()) {
      for (int i = 0; i < n; i++) {
        writeDouble(dst, i, src.getDouble(i));
      }
    } else {
      boolean unsigned = from == DType.UINT64;
      for (int i = 0; i < n; i++) {
        writeLong(dst, i, src.getLong(i), unsigned);
      }
    }
  }

  /** Typed loops for the most common pairs; false if the pair has none. */
  private boolean fastPath(Tensor src, Tensor dst, int n) {
    int so = src.offset();
    int d0 = dst.offset();
    switch (from) {
      case FLOAT32 -> {
        float[] s = src.floats();
        switch (to) {
          case FLOAT64 -> {
            double[] d = dst.doubles();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = s[so + i];
            }
            return true;
          }
          case FLOAT16 -> {
            short[] d = dst.shorts();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (short) FloatFormats.floatToF16(s[so + i]);
            }
            return true;
          }
          case BFLOAT16 -> {
            short[] d = dst.shorts();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (short) FloatFormats.floatToBf16(s[so + i]);
            }
            return true;
          }
          case INT64 -> {
            long[] d = dst.longs();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (long) s[so + i];
            }
            return true;
          }
          case INT32 -> {
            int[] d = dst.ints();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (int) (long) s[so + i];
            }
            return true;
          }
          default -> {
            return false;
          }
        }
      }
      case FLOAT16, BFLOAT16 -> {
        if (to != DType.FLOAT32) {
          return false;
        }
        short[] s = src.shorts();
        float[] d = dst.floats();
        boolean half = from == DType.FLOAT16;
        for (int i = 0; i < n; i++) {
          d[d0 + i] =
              half ? FloatFormats.f16ToFloat(s[so + i]) : FloatFormats.bf16ToFloat(s[so + i]);
        }
        return true;
      }
      case FLOAT64 -> {
        if (to != DType.FLOAT32) {
          return false;
        }
        double[] s = src.doubles();
        float[] d = dst.floats();
        for (int i = 0; i < n; i++) {
          d[d0 + i] = (float) s[so + i];
        }
        return true;
      }
      case INT64 -> {
        long[] s = src.longs();
        switch (to) {
          case INT32 -> {
            int[] d = dst.ints();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (int) s[so + i];
            }
            return true;
          }
          case FLOAT32 -> {
            float[] d = dst.floats();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (float) s[so + i];
            }
            return true;
          }
          case FLOAT64 -> {
            double[] d = dst.doubles();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (double) s[so + i];
            }
            return true;
          }
          default -> {
            return false;
          }
        }
      }
      case INT32 -> {
        int[] s = src.ints();
        switch (to) {
          case INT64 -> {
            long[] d = dst.longs();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = s[so + i];
            }
            return true;
          }
          case FLOAT32 -> {
            float[] d = dst.floats();
            for (int i = 0; i < n; i++) {
              d[d0 + i] = (float) s[so + i];
            }
            return true;
          }
          default -> {
            return false;
          }
        }
      }
      default -> {
        return false;
      }
    }
  }

  private void writeDouble(Tensor dst, int i, double d) {
    switch (to) {
      case FLOAT32 -> dst.setFloat(i, (float) d);
      case FLOAT64 -> dst.setDouble(i, d);
      case FLOAT16,
          BFLOAT16,
          FLOAT8E4M3FN,
          FLOAT8E4M3FNUZ,
          FLOAT8E5M2,
          FLOAT8E5M2FNUZ,
          FLOAT4E2M1,
          FLOAT8E8M0 ->
          dst.setRawBits(i, ExactRounding.smallFromDouble(to, d, saturate, roundMode));
      case BOOL -> dst.setRawBits(i, d != 0 || Double.isNaN(d) ? 1 : 0);
      case INT4, UINT4, INT2, UINT2 -> dst.setLong(i, (long) Math.rint(d));
      case UINT64 -> dst.setLong(i, ExactRounding.truncate(d, true));
      default -> dst.setLong(i, (long) d);
    }
  }

  private void writeLong(Tensor dst, int i, long v, boolean unsigned) {
    switch (to) {
      case FLOAT32 -> dst.setFloat(i, ExactRounding.toFloat(v, unsigned));
      case FLOAT64 -> dst.setDouble(i, ExactRounding.toDouble(v, unsigned));
      case FLOAT16,
          BFLOAT16,
          FLOAT8E4M3FN,
          FLOAT8E4M3FNUZ,
          FLOAT8E5M2,
          FLOAT8E5M2FNUZ,
          FLOAT4E2M1,
          FLOAT8E8M0 ->
          dst.setRawBits(i, ExactRounding.smallFromLong(to, v, unsigned, saturate, roundMode));
      case BOOL -> dst.setRawBits(i, v != 0 ? 1 : 0);
      default -> dst.setLong(i, v);
    }
  }

  private void writeString(Tensor dst, int i, String s) {
    if (to.isFloatingPoint()) {
      writeDouble(dst, i, NumberText.parseDouble(s));
    } else if (to == DType.BOOL) {
      dst.setRawBits(i, NumberText.parseBoolean(s) ? 1 : 0);
    } else {
      dst.setLong(i, NumberText.parseInteger(s, to));
    }
  }

  private String format(Tensor src, int i) {
    if (from.isFloatingPoint()) {
      return NumberText.formatFloat(from, src.getDouble(i));
    }
    return NumberText.formatInteger(from, src.getLong(i));
  }
}
