package dev.ledge.ops.quant;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.FloatFormats;
import dev.ledge.tensor.Tensor;

/**
 * DequantizeLinear (opsets 10 to 25): {@code y = (x - x_zero_point) * x_scale} with per-tensor,
 * per-axis or blocked scales (see {@link ScaleLayout}).
 *
 * <p>{@code x - x_zero_point} is exact (integer arithmetic, or the decoded value of a float8 or
 * float4 input, whose zero point must be 0); the product is computed in float32 and rounded once to
 * the output type ({@code output_dtype}, else the scale's type): float32, float16 or bfloat16. This
 * is how the ONNX reference and ONNX Runtime compute it; for int32 inputs it is exact while {@code
 * |x - x_zero_point| < 2^24}.
 */
final class DequantizeLinearOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
    DType xType = ctx.requireInputType(0);
    if (xType != null
        && !Quantization.isQuantInteger(xType)
        && !Quantization.isQuantFloat(xType)
        && xType != DType.INT32) {
      throw ctx.error(
          "input 0 has type "
              + xType
              + ", expected int8/uint8, int16/uint16, int32, int4/uint4, int2/uint2, a float8 type"
              + " or float4e2m1");
    }
    DType scaleType =
        ctx.requireInputType(1, DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.FLOAT8E8M0);
    if (ctx.hasInput(2)) {
      DType zpType = ctx.inputDType(2);
      if (zpType != null && xType != null && zpType != xType) {
        throw ctx.error("x_zero_point has type " + zpType + ", expected the type of x, " + xType);
      }
    }
    long outputDtype = ctx.attrInt("output_dtype", 0);
    DType outType =
        outputDtype != 0 ? QuantizeLinearOp.dtypeAttr(ctx, "output_dtype", outputDtype) : scaleType;
    if (outType == null) {
      throw ctx.unsupported("the type of x_scale is unknown, so the output type is too");
    }
    if (!Quantization.isArithmeticPrecision(outType)) {
      throw ctx.error(
          "output type "
              + outType
              + (outputDtype != 0 ? " (output_dtype)" : " (the x_scale type)")
              + " must be float32, float16 or bfloat16");
    }
    long axis = ctx.attrInt("axis", 1);
    long blockSize = ctx.attrInt("block_size", 0);
    if (blockSize != 0 && ctx.opsetVersion() < 21) {
      throw ctx.error("block_size exists from opset 21; model imports " + ctx.opsetVersion());
    }
    QuantizeLinearOp.checkStaticLayout(ctx, axis, blockSize);
    if (xType != null && Quantization.isQuantFloat(xType) && ctx.constantInput(2) != null) {
      QuantizeLinearOp.requireZeroFloatZeroPoint(ctx.constantInput(2), ctx::error);
    }
    ctx.setOutput(0, outType, ctx.inputShape(0));
    return exec -> execute(exec, outType, axis, blockSize);
  }

  private static void execute(ExecContext exec, DType outType, long axis, long blockSize) {
    Tensor x = exec.input(0);
    Tensor scale = exec.input(1);
    Tensor zp = exec.input(2);
    if (zp != null) {
      QuantizeLinearOp.checkZeroPointShape(scale.shape(), zp.shape(), exec::error);
    }
    ScaleLayout layout = ScaleLayout.of(x.shape(), scale.shape(), axis, blockSize, exec::error);
    float[] s = new float[scale.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = scale.getFloat(i);
    }
    boolean floatIn = Quantization.isQuantFloat(x.dtype());
    long[] z = new long[s.length];
    if (zp != null) {
      if (floatIn) {
        QuantizeLinearOp.requireZeroFloatZeroPoint(zp, exec::error);
      } else {
        for (int i = 0; i < z.length; i++) {
          z[i] = zp.getLong(i);
        }
      }
    }
    Tensor y = exec.outputLike(0, outType, x);
    boolean f32 = outType == DType.FLOAT32;
    float[] yf = f32 ? y.floats() : null;
    int yo = y.offset();
    layout.forEachRow(
        (start, length, base, stride) -> {
          for (int j = 0; j < length; j++) {
            int i = start + j;
            int p = base + j * stride;
            float d = floatIn ? x.getFloat(i) : (float) (x.getLong(i) - z[p]);
            float v = d * s[p];
            if (f32) {
              yf[yo + i] = v;
            } else {
              y.setRawBits(i, FloatFormats.fromFloat(outType, v, false));
            }
          }
        });
  }
}
