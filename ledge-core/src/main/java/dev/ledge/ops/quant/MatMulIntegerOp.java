package dev.ledge.ops.quant;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * MatMulInteger (opset 10): {@code (A - a_zero_point) @ (B - b_zero_point)} over int8/uint8 inputs
 * with exact int32 accumulation. Zero points are per tensor, per row of A / column of B, or per
 * batch and row / column (see {@link IntegerMatMul}).
 */
final class MatMulIntegerOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 4);
    DType a = ctx.requireInputType(0, DType.INT8, DType.UINT8);
    DType b = ctx.requireInputType(1, DType.INT8, DType.UINT8);
    checkZeroPointType(ctx, 2, a);
    checkZeroPointType(ctx, 3, b);
    ctx.setOutput(
        0,
        DType.INT32,
        IntegerMatMul.staticShape(ctx.inputShape(0), ctx.inputShape(1), ctx::error));
    return MatMulIntegerOp::execute;
  }

  static void checkZeroPointType(OpContext ctx, int i, DType expected) {
    if (ctx.hasInput(i)) {
      DType t = ctx.inputDType(i);
      if (t != null && expected != null && t != expected) {
        throw ctx.error(
            "input "
                + i
                + " ('"
                + ctx.node().input(i)
                + "') is a zero point of type "
                + t
                + ", expected "
                + expected
                + " like the input it belongs to");
      }
    }
  }

  private static void execute(ExecContext exec) {
    Tensor a = exec.input(0);
    Tensor b = exec.input(1);
    IntegerMatMul mm = IntegerMatMul.of(a.shape(), b.shape(), exec::error);
    int[] acc =
        mm.multiply(
            mm.centeredA(a, exec.input(2), exec::error),
            mm.centeredB(b, exec.input(3), exec::error));
    Tensor y = exec.output(0, DType.INT32, mm.outShape());
    System.arraycopy(acc, 0, y.ints(), y.offset(), acc.length);
  }
}
