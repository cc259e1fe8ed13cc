package dev.ledge.ops.math;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * The reference loops of the elementwise operators: one tight loop per storage layout over a run of
 * {@code n} elements, each operand read at a start index advancing by a fixed step (0 for a
 * broadcast operand). Indices are absolute positions in the storage arrays.
 *
 * <p>Floating-point types compute in double: float16/bfloat16 values are decoded, the function
 * applied and the result rounded back per element, as ONNX Runtime and the reference do (for +, -,
 * *, / and sqrt the double intermediate gives exactly the correctly rounded float result).
 * Transcendental functions use {@link Math} (within 1 ulp of a double, and several times faster
 * than {@link StrictMath} for pow), far below what the rounded results can show.
 *
 * <p>Integer types compute on longs: signed values sign-extended, unsigned ones zero-extended, bool
 * as 0/1, the result wrapped to the type's width; uint64 uses the function's unsigned form.
 */
final class ElementLoops {
  private ElementLoops() {}

  /** Mask that zero-extends unsigned and bool values and keeps signed ones sign-extended. */
  static long extensionMask(DType t) {
    return t.kind() == DType.Kind.UNSIGNED || t == DType.BOOL ? (1L << t.bits()) - 1 : -1L;
  }

  /** Applies {@code fn} to a whole tensor of the same shape as {@code out}. */
  static void unary(UnaryFn fn, Tensor in, Tensor out) {
    unary(fn, in.dtype(), in.array(), in.offset(), 1, out.array(), out.offset(), in.size());
  }

  static void unary(UnaryFn fn, DType t, Object in, int ii, int is, Object out, int oi, int n) {
    switch (t) {
      case FLOAT32 -> {
        DoubleUnaryOperator f = form(fn.real(), t);
        float[] x = (float[]) in;
        float[] z = (float[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] = (float) f.applyAsDouble(x[ii]);
        }
      }
      case FLOAT64 -> {
        DoubleUnaryOperator f = form(fn.real(), t);
        double[] x = (double[]) in;
        double[] z = (double[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] = f.applyAsDouble(x[ii]);
        }
      }
      case FLOAT16 -> {
        DoubleUnaryOperator f = form(fn.real(), t);
        short[] x = (short[]) in;
        short[] z = (short[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] =
              (short)
                  FloatFormats.floatToF16((float) f.applyAsDouble(FloatFormats.f16ToFloat(x[ii])));
        }
      }
      case BFLOAT16 -> {
        DoubleUnaryOperator f = form(fn.real(), t);
        short[] x = (short[]) in;
        short[] z = (short[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] =
              (short)
                  FloatFormats.floatToBf16(
                      (float) f.applyAsDouble(FloatFormats.bf16ToFloat(x[ii])));
        }
      }
      case INT8, UINT8, BOOL -> {
        LongUnaryOperator f = form(fn.integer(), t);
        long m = extensionMask(t);
        byte[] x = (byte[]) in;
        byte[] z = (byte[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] = (byte) f.applyAsLong(x[ii] & m);
        }
      }
      case INT16, UINT16 -> {
        LongUnaryOperator f = form(fn.integer(), t);
        long m = extensionMask(t);
        short[] x = (short[]) in;
        short[] z = (short[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] = (short) f.applyAsLong(x[ii] & m);
        }
      }
      case INT32, UINT32 -> {
        LongUnaryOperator f = form(fn.integer(), t);
        long m = extensionMask(t);
        int[] x = (int[]) in;
        int[] z = (int[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] = (int) f.applyAsLong(x[ii] & m);
        }
      }
      case INT64, UINT64 -> {
        LongUnaryOperator f = form(t == DType.UINT64 ? fn.unsigned64() : fn.integer(), t);
        long[] x = (long[]) in;
        long[] z = (long[]) out;
        for (int k = 0; k < n; k++, ii += is) {
          z[oi + k] = f.applyAsLong(x[ii]);
        }
      }
      default -> throw notDefined(t);
    }
  }

  static void binary(
      BinaryFn fn,
      DType t,
      Object a,
      int ai,
      int as,
      Object b,
      int bi,
      int bs,
      Object out,
      int oi,
      int n) {
    switch (t) {
      case FLOAT32 -> {
        DoubleBinaryOperator f = form(fn.real(), t);
        float[] x = (float[]) a;
        float[] y = (float[]) b;
        float[] z = (float[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          z[oi + k] = (float) f.applyAsDouble(x[ai], y[bi]);
        }
      }
      case FLOAT64 -> {
        DoubleBinaryOperator f = form(fn.real(), t);
        double[] x = (double[]) a;
        double[] y = (double[]) b;
        double[] z = (double[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          z[oi + k] = f.applyAsDouble(x[ai], y[bi]);
        }
      }
      case FLOAT16 -> {
        DoubleBinaryOperator f = form(fn.real(), t);
        short[] x = (short[]) a;
        short[] y = (short[]) b;
        short[] z = (short[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          double r =
              f.applyAsDouble(FloatFormats.f16ToFloat(x[ai]), FloatFormats.f16ToFloat(y[bi]));
          z[oi + k] = (short) FloatFormats.floatToF16((float) r);
        }
      }
      case BFLOAT16 -> {
        DoubleBinaryOperator f = form(fn.real(), t);
        short[] x = (short[]) a;
        short[] y = (short[]) b;
        short[] z = (short[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          double r =
              f.applyAsDouble(FloatFormats.bf16ToFloat(x[ai]), FloatFormats.bf16ToFloat(y[bi]));
          z[oi + k] = (short) FloatFormats.floatToBf16((float) r);
        }
      }
      case INT8, UINT8, BOOL -> {
        LongBinaryOperator f = form(fn.integer(), t);
        long m = extensionMask(t);
        byte[] x = (byte[]) a;
        byte[] y = (byte[]) b;
        byte[] z = (byte[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          z[oi + k] = (byte) f.applyAsLong(x[ai] & m, y[bi] & m);
        }
      }
      case INT16, UINT16 -> {
        LongBinaryOperator f = form(fn.integer(), t);
        long m = extensionMask(t);
        short[] x = (short[]) a;
        short[] y = (short[]) b;
        short[] z = (short[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          z[oi + k] = (short) f.applyAsLong(x[ai] & m, y[bi] & m);
        }
      }
      case INT32, UINT32 -> {
        LongBinaryOperator f = form(fn.integer(), t);
        long m = extensionMask(t);
        int[] x = (int[]) a;
        int[] y = (int[]) b;
        int[] z = (int[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          z[oi + k] = (int) f.applyAsLong(x[ai] & m, y[bi] & m);
        }
      }
      case INT64, UINT64 -> {
        LongBinaryOperator f = form(t == DType.UINT64 ? fn.unsigned64() : fn.integer(), t);
        long[] x = (long[]) a;
        long[] y = (long[]) b;
        long[] z = (long[]) out;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          z[oi + k] = f.applyAsLong(x[ai], y[bi]);
        }
      }
      default -> throw notDefined(t);
    }
  }

  /** Writes {@code fn(a, b)} as bool (0/1) into {@code out}. */
  static void compare(
      CompareFn fn,
      DType t,
      Object a,
      int ai,
      int as,
      Object b,
      int bi,
      int bs,
      byte[] out,
      int oi,
      int n) {
    switch (t) {
      case FLOAT32 -> {
        CompareFn.Test f = fn.real();
        float[] x = (float[]) a;
        float[] y = (float[]) b;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          out[oi + k] = f.test(x[ai], y[bi]) ? (byte) 1 : 0;
        }
      }
      case FLOAT64 -> {
        CompareFn.Test f = fn.real();
        double[] x = (double[]) a;
        double[] y = (double[]) b;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          out[oi + k] = f.test(x[ai], y[bi]) ? (byte) 1 : 0;
        }
      }
      case FLOAT16, BFLOAT16 -> {
        CompareFn.Test f = fn.real();
        boolean half = t == DType.FLOAT16;
        short[] x = (short[]) a;
        short[] y = (short[]) b;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          float u = half ? FloatFormats.f16ToFloat(x[ai]) : FloatFormats.bf16ToFloat(x[ai]);
          float v = half ? FloatFormats.f16ToFloat(y[bi]) : FloatFormats.bf16ToFloat(y[bi]);
          out[oi + k] = f.test(u, v) ? (byte) 1 : 0;
        }
      }
      case INT8, UINT8, BOOL -> {
        CompareFn.LongTest f = fn.integer();
        long m = extensionMask(t);
        byte[] x = (byte[]) a;
        byte[] y = (byte[]) b;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          out[oi + k] = f.test(x[ai] & m, y[bi] & m) ? (byte) 1 : 0;
        }
      }
      case INT16, UINT16 -> {
        CompareFn.LongTest f = fn.integer();
        long m = extensionMask(t);
        short[] x = (short[]) a;
        short[] y = (short[]) b;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          out[oi + k] = f.test(x[ai] & m, y[bi] & m) ? (byte) 1 : 0;
        }
      }
      case INT32, UINT32 -> {
        CompareFn.LongTest f = fn.integer();
        long m = extensionMask(t);
        int[] x = (int[]) a;
        int[] y = (int[]) b;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          out[oi + k] = f.test(x[ai] & m, y[bi] & m) ? (byte) 1 : 0;
        }
      }
      case INT64, UINT64 -> {
        CompareFn.LongTest f = t == DType.UINT64 ? fn.unsigned64() : fn.integer();
        long[] x = (long[]) a;
        long[] y = (long[]) b;
        for (int k = 0; k < n; k++, ai += as, bi += bs) {
          out[oi + k] = f.test(x[ai], y[bi]) ? (byte) 1 : 0;
        }
      }
      default -> throw notDefined(t);
    }
  }

  /** The function's form for a type; a clear error if the function has none. */
  private static <F> F form(F f, DType t) {
    if (f == null) {
      throw notDefined(t);
    }
    return f;
  }

  private static LedgeException notDefined(DType t) {
    return new LedgeException("this operation is not defined for element type " + t);
  }
}
