package dev.ledge.ops.nn;

import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;

/**
 * Element-type plumbing shared by the nn operators: which float types they accept, and copies
 * between tensors of any float type and the float[]/double[] work arrays kernels compute on.
 *
 * <p>Kernels compute float16 and bfloat16 in float32 (each value converts exactly; results round
 * once, on the way back), float32 on the tensor's own array, float64 in double.
 */
final class FloatIo {
  /** The floating-point types of the nn operators' type constraints. */
  static final DType[] FLOATS = {DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16};

  private FloatIo() {}

  /** Checks input {@code i} is present with a float type and returns that type (never null). */
  static DType requireFloat(OpContext ctx, int i) {
    DType t = ctx.requireInputType(i, FLOATS);
    if (t == null) {
      throw ctx.error("input " + i + " ('" + ctx.node().input(i) + "') has an unknown type");
    }
    return t;
  }

  /**
   * Checks optional input {@code i}, if given, has type {@code expected} (when known) and returns
   * whether it is given.
   */
  static boolean optionalSameType(OpContext ctx, int i, DType expected, String what) {
    if (!ctx.hasInput(i)) {
      return false;
    }
    DType t = ctx.inputDType(i);
    if (t != null && t != expected) {
      throw ctx.error(what + " (input " + i + ") has type " + t + ", expected " + expected);
    }
    return true;
  }

  /** A new float[] holding the elements of a tensor of any float type. */
  static float[] toFloats(Tensor t) {
    int n = t.size();
    float[] r = new float[n];
    switch (t.dtype()) {
      case FLOAT32 -> System.arraycopy(t.floats(), t.offset(), r, 0, n);
      case FLOAT16 -> {
        short[] s = t.shorts();
        int o = t.offset();
        for (int i = 0; i < n; i++) {
          r[i] = FloatFormats.f16ToFloat(s[o + i]);
        }
      }
      case BFLOAT16 -> {
        short[] s = t.shorts();
        int o = t.offset();
        for (int i = 0; i < n; i++) {
          r[i] = FloatFormats.bf16ToFloat(s[o + i]);
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          r[i] = t.getFloat(i);
        }
      }
    }
    return r;
  }

  /** A new double[] holding the elements of a tensor of any numeric type. */
  static double[] toDoubles(Tensor t) {
    int n = t.size();
    double[] r = new double[n];
    switch (t.dtype()) {
      case FLOAT64 -> System.arraycopy(t.doubles(), t.offset(), r, 0, n);
      case FLOAT32 -> {
        float[] f = t.floats();
        int o = t.offset();
        for (int i = 0; i < n; i++) {
          r[i] = f[o + i];
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          r[i] = t.getDouble(i);
        }
      }
    }
    return r;
  }

  /** Writes {@code src[0 .. dst.size())} into {@code dst}, rounding to its float type. */
  static void store(float[] src, Tensor dst) {
    int n = dst.size();
    switch (dst.dtype()) {
      case FLOAT32 -> System.arraycopy(src, 0, dst.floats(), dst.offset(), n);
      case FLOAT16 -> {
        short[] s = dst.shorts();
        int o = dst.offset();
        for (int i = 0; i < n; i++) {
          s[o + i] = (short) FloatFormats.floatToF16(src[i]);
        }
      }
      case BFLOAT16 -> {
        short[] s = dst.shorts();
        int o = dst.offset();
        for (int i = 0; i < n; i++) {
          s[o + i] = (short) FloatFormats.floatToBf16(src[i]);
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          dst.setFloat(i, src[i]);
        }
      }
    }
  }

  /**
   * Writes {@code src[0 .. dst.size())} into {@code dst}. Float16 and bfloat16 round from the
   * double through float; the double rounding can differ from a single rounding only on exact ties
   * of the float value, which is far below these types' precision.
   */
  static void store(double[] src, Tensor dst) {
    int n = dst.size();
    switch (dst.dtype()) {
      case FLOAT64 -> System.arraycopy(src, 0, dst.doubles(), dst.offset(), n);
      case FLOAT32 -> {
        float[] f = dst.floats();
        int o = dst.offset();
        for (int i = 0; i < n; i++) {
          f[o + i] = (float) src[i];
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          dst.setDouble(i, src[i]);
        }
      }
    }
  }
}
