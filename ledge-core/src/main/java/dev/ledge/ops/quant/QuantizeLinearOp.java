package dev.ledge.ops.quant;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * QuantizeLinear (opsets 10 to 25): {@code y = saturate(round(x / y_scale) + y_zero_point)} with
 * per-tensor, per-axis or blocked scales (see {@link ScaleLayout}).
 *
 * <p>The division is done in the precision of {@code y_scale} (or of the {@code precision}
 * attribute): both operands are rounded to it and the quotient is rounded to it once. Integer
 * outputs (int8/uint8, int16/uint16, int4/uint4, int2/uint2) round half to even and saturate to the
 * type's range; float8 outputs round to nearest even and saturate or not as {@code saturate} says;
 * float4e2m1 always saturates. Zero points of float types must be zero (they carry only the output
 * type). Scales of type int32 or float8e8m0 without a {@code precision} attribute define no
 * division precision Ledge implements and are rejected as unsupported.
 */
final class QuantizeLinearOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
    long version = ctx.opsetVersion();
    DType xType =
        ctx.requireInputType(0, DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.INT32);
    DType scaleType =
        ctx.requireInputType(
            1, DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.INT32, DType.FLOAT8E8M0);
    DType zpType = ctx.hasInput(2) ? ctx.inputDType(2) : null;
    long outputDtype = ctx.attrInt("output_dtype", 0);
    DType outType;
    if (ctx.hasInput(2)) {
      if (zpType == null) {
        throw ctx.unsupported("the type of y_zero_point is unknown, so the output type is too");
      }
      if (outputDtype != 0 && outputDtype != zpType.onnxCode()) {
        throw ctx.error(
            "output_dtype " + outputDtype + " does not match y_zero_point type " + zpType);
      }
      outType = zpType;
    } else if (outputDtype != 0) {
      outType = dtypeAttr(ctx, "output_dtype", outputDtype);
    } else {
      outType = DType.UINT8;
    }
    if (!Quantization.isQuantInteger(outType) && !Quantization.isQuantFloat(outType)) {
      throw ctx.error(
          "output type "
              + outType
              + " is not a quantized type (expected int8/uint8, int16/uint16, int4/uint4, int2/uint2,"
              + " a float8 type or float4e2m1)");
    }
    long precisionAttr = ctx.attrInt("precision", 0);
    DType precision = precisionAttr != 0 ? dtypeAttr(ctx, "precision", precisionAttr) : scaleType;
    if (precision != null && !Quantization.isArithmeticPrecision(precision)) {
      throw ctx.unsupported(
          "division in "
              + precision
              + (precisionAttr != 0 ? " (precision attribute)" : " (the y_scale type)")
              + " is not implemented; Ledge divides in float32, float16 or bfloat16");
    }
    boolean saturate = ctx.attrInt("saturate", 1) != 0;
    long axis = ctx.attrInt("axis", 1);
    long blockSize = ctx.attrInt("block_size", 0);
    if (blockSize != 0 && version < 21) {
      throw ctx.error("block_size exists from opset 21; model imports " + version);
    }
    checkStaticLayout(ctx, axis, blockSize);
    if (Quantization.isQuantFloat(outType) && ctx.constantInput(2) != null) {
      requireZeroFloatZeroPoint(ctx.constantInput(2), ctx::error);
    }
    Shape xShape = ctx.inputShape(0);
    ctx.setOutput(0, outType, xShape);
    if (xType == null || precision == null) {
      throw ctx.unsupported("the types of x and y_scale must be known when the model is loaded");
    }
    DType p = precision;
    return exec -> execute(exec, outType, p, saturate, axis, blockSize);
  }

  static DType dtypeAttr(OpContext ctx, String name, long code) {
    try {
      return DType.fromOnnx((int) code);
    } catch (RuntimeException e) {
      throw ctx.error("attribute '" + name + "' is " + code + ", not an ONNX tensor type");
    }
  }

  /** Validates scale and zero point shapes against x when all are known statically. */
  static void checkStaticLayout(OpContext ctx, long axis, long blockSize) {
    Shape x = ctx.inputShape(0);
    Shape s = ctx.inputShape(1);
    Shape z = ctx.hasInput(2) ? ctx.inputShape(2) : null;
    int[] xs = x == null ? null : x.toIntsOrNull();
    int[] ss = s == null ? null : s.toIntsOrNull();
    int[] zs = z == null ? null : z.toIntsOrNull();
    if (ss != null && zs != null) {
      checkZeroPointShape(ss, zs, ctx::error);
    }
    if (xs != null && ss != null) {
      ScaleLayout.of(xs, ss, axis, blockSize, ctx::error);
    }
  }

  /**
   * The zero point must have the scale's shape; a one-element zero point also goes with any
   * one-element scale (models pair a [1] zero point with a scalar scale).
   */
  static void checkZeroPointShape(
      int[] scale, int[] zp, java.util.function.Function<String, dev.ledge.LedgeException> error) {
    if (Arrays.equals(scale, zp) || (sizeOf(scale) == 1 && sizeOf(zp) == 1)) {
      return;
    }
    throw error.apply(
        "zero point shape "
            + Arrays.toString(zp)
            + " differs from scale shape "
            + Arrays.toString(scale));
  }

  private static long sizeOf(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Float8/float4 zero points only select the type; a non-zero one has no defined meaning here. */
  static void requireZeroFloatZeroPoint(
      Tensor zp, java.util.function.Function<String, dev.ledge.LedgeException> error) {
    for (int i = 0; i < zp.size(); i++) {
      double v = zp.getDouble(i);
      if (v != 0) {
        throw error.apply(
            "zero point of type " + zp.dtype() + " must be 0, element " + i + " is " + v);
      }
    }
  }

  private static void execute(
      ExecContext exec,
      DType outType,
      DType precision,
      boolean saturate,
      long axis,
      long blockSize) {
    Tensor x = exec.input(0);
    Tensor scale = exec.input(1);
    Tensor zp = exec.input(2);
    if (zp != null) {
      checkZeroPointShape(scale.shape(), zp.shape(), exec::error);
    }
    ScaleLayout layout = ScaleLayout.of(x.shape(), scale.shape(), axis, blockSize, exec::error);
    double[] s = new double[scale.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = Quantization.roundTo(scale.getDouble(i), precision);
    }
    Tensor y = exec.outputLike(0, outType, x);
    boolean floatOut = Quantization.isQuantFloat(outType);
    long[] z = new long[s.length];
    if (zp != null) {
      if (floatOut) {
        requireZeroFloatZeroPoint(zp, exec::error);
      } else {
        for (int i = 0; i < z.length; i++) {
          z[i] = zp.getLong(i);
        }
      }
    }
    long lo = floatOut ? 0 : Quantization.min(outType);
    long hi = floatOut ? 0 : Quantization.max(outType);
    boolean f32 = x.dtype() == DType.FLOAT32;
    float[] xf = f32 ? x.floats() : null;
    int xo = x.offset();
    layout.forEachRow(
        (start, length, base, stride) -> {
          for (int j = 0; j < length; j++) {
            int i = start + j;
            int p = base + j * stride;
            double xv = f32 ? xf[xo + i] : x.getDouble(i);
            double q = Quantization.roundTo(Quantization.roundTo(xv, precision) / s[p], precision);
            if (floatOut) {
              y.setRawBits(i, FloatFormats.fromFloat(outType, (float) q, saturate));
            } else {
              y.setLong(i, q != q ? lo : Quantization.saturateRound(Math.rint(q) + z[p], lo, hi));
            }
          }
        });
  }
}
