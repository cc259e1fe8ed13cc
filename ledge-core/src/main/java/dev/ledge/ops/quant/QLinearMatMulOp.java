package dev.ledge.ops.quant;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.function.Function;

/**
 * QLinearMatMul (opsets 10 and 21): an int32-exact {@code (a - a_zp) @ (b - b_zp)} requantized as
 * {@code y = saturate(round(acc * (a_scale * b_scale / y_scale)) + y_zp)}, rounding half to even.
 *
 * <p>Scales and zero points are per tensor, or 1-D: per row of {@code a} for {@code a} and {@code
 * y}, per column of {@code b} for {@code b}. The multiplier {@code a_scale * b_scale / y_scale} is
 * computed in the scales' type (float32, float16 or bfloat16), rounding after each operation as
 * that type's arithmetic does; {@code acc * multiplier} is then exact in double, as in the ONNX
 * reference. Float8 inputs (opset 21) are not implemented.
 */
final class QLinearMatMulOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(8, 8);
    DType a = ctx.requireInputType(0);
    DType b = ctx.requireInputType(3);
    for (DType t : new DType[] {a, b}) {
      if (t != null && t != DType.INT8 && t != DType.UINT8) {
        if (t.isFloatingPoint() && t.bits() == 8) {
          throw ctx.unsupported("QLinearMatMul of " + t + " inputs is not implemented");
        }
        throw ctx.error("inputs a and b must be int8 or uint8, got " + t);
      }
    }
    DType scaleType = ctx.requireInputType(1, DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16);
    ctx.requireInputType(4, DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16);
    ctx.requireInputType(6, DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16);
    for (int i : new int[] {4, 6}) {
      DType t = ctx.inputDType(i);
      if (t != null && scaleType != null && t != scaleType) {
        throw ctx.error(
            "scales must share one type; a_scale is " + scaleType + ", input " + i + " is " + t);
      }
    }
    MatMulIntegerOp.checkZeroPointType(ctx, 2, a);
    MatMulIntegerOp.checkZeroPointType(ctx, 5, b);
    DType yType = ctx.inputDType(7);
    if (yType != null && yType != DType.INT8 && yType != DType.UINT8) {
      throw ctx.error("y_zero_point must be int8 or uint8, got " + yType);
    }
    if (yType == null || scaleType == null) {
      throw ctx.unsupported("the types of y_zero_point and the scales must be known at load time");
    }
    ctx.setOutput(
        0, yType, IntegerMatMul.staticShape(ctx.inputShape(0), ctx.inputShape(3), ctx::error));
    return exec -> execute(exec, yType, scaleType);
  }

  private static void execute(ExecContext exec, DType yType, DType precision) {
    Tensor a = exec.input(0);
    Tensor b = exec.input(3);
    IntegerMatMul mm = IntegerMatMul.of(a.shape(), b.shape(), exec::error);
    int m = mm.rows();
    int n = mm.cols();
    double[] aScale = perVector(exec.input(1), m, "a_scale", "rows of a", exec::error);
    double[] bScale = perVector(exec.input(4), n, "b_scale", "columns of b", exec::error);
    double[] yScale = perVector(exec.input(6), m, "y_scale", "rows of a", exec::error);
    double[] yZero = perVector(exec.input(7), m, "y_zero_point", "rows of a", exec::error);
    perVector(exec.input(2), m, "a_zero_point", "rows of a", exec::error);
    perVector(exec.input(5), n, "b_zero_point", "columns of b", exec::error);
    int[] acc =
        mm.multiply(
            mm.centeredA(a, exec.input(2), exec::error),
            mm.centeredB(b, exec.input(5), exec::error));
    double[] multiplier = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double ab =
            Quantization.roundTo(
                aScale[aScale.length == 1 ? 0 : i] * bScale[bScale.length == 1 ? 0 : j], precision);
        multiplier[i * n + j] =
            Quantization.roundTo(ab / yScale[yScale.length == 1 ? 0 : i], precision);
      }
    }
    Tensor y = exec.output(0, yType, mm.outShape());
    long lo = Quantization.min(yType);
    long hi = Quantization.max(yType);
    int mn = m * n;
    for (int e = 0; e < acc.length; e++) {
      int cell = e % mn;
      int row = cell / n;
      double z = yZero[yZero.length == 1 ? 0 : row];
      y.setLong(e, Quantization.saturateRound((double) acc[e] * multiplier[cell] + z, lo, hi));
    }
  }

  /** A scale or zero point: one value, or a 1-D tensor of {@code len} values. */
  private static double[] perVector(
      Tensor t,
      int len,
      String name,
      String what,
      Function<String, dev.ledge.LedgeException> error) {
    if (t.size() != 1 && (t.rank() != 1 || t.dim(0) != len)) {
      throw error.apply(
          name
              + " has shape "
              + java.util.Arrays.toString(t.shape())
              + ", expected a scalar or a 1-D tensor with one value per "
              + what
              + " ("
              + len
              + ")");
    }
    double[] r = new double[t.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = t.getDouble(i);
    }
    return r;
  }
}
