package dev.ledge.ops.signal;

import dev.ledge.LedgeException;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/** Reading the scalar inputs and type attributes the signal operators take. */
final class Scalars {
  private Scalars() {}

  /** The single integer of a scalar (or one-element) int32/int64 tensor. */
  static long integer(Tensor t, String name, Function<String, LedgeException> error) {
    if (t.size() != 1 || t.rank() > 1 || !(t.dtype() == DType.INT32 || t.dtype() == DType.INT64)) {
      throw error.apply(
          name
              + " must be an int32 or int64 scalar, got "
              + t.dtype()
              + Arrays.toString(t.shape()));
    }
    return t.getLong(0);
  }

  /** The single value of a scalar (or one-element) floating-point tensor. */
  static double real(Tensor t, String name, Function<String, LedgeException> error) {
    if (t.size() != 1 || t.rank() > 1 || !t.dtype().isFloatingPoint()) {
      throw error.apply(
          name + " must be a floating-point scalar, got " + t.dtype() + Arrays.toString(t.shape()));
    }
    return t.getDouble(0);
  }

  /** The integer value of constant input {@code i}, or null if it is not constant. */
  static Long constantInteger(OpContext ctx, int i, String name) {
    Tensor t = ctx.constantInput(i);
    return t == null ? null : integer(t, name, ctx::error);
  }

  /**
   * The {@code output_datatype} attribute: a float (float32/64/16, bfloat16) or 8- to 64-bit
   * integer type; default float32.
   */
  static DType outputDatatype(OpContext ctx) {
    long code = ctx.attrInt("output_datatype", DType.FLOAT32.onnxCode());
    DType t;
    try {
      t = DType.fromOnnx((int) code);
    } catch (RuntimeException e) {
      throw ctx.error("output_datatype " + code + " is not an ONNX tensor type");
    }
    boolean ok = (t.isFloatingPoint() && t.bits() >= 16) || (t.isInteger() && t.bits() >= 8);
    if (!ok) {
      throw ctx.error(
          "output_datatype is " + t + ", expected a float or an 8- to 64-bit integer type");
    }
    return t;
  }
}
