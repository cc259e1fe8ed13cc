package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code ConcatGrad(dy, x0, x1, ...)} with the forward node's {@code axis}: output i is the slice
 * of dy that input i contributed (shape of x_i; only the shapes of the x_i are read).
 */
final class ConcatGradOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.inputCount() < 2 || ctx.outputCount() != ctx.inputCount() - 1) {
      throw ctx.error(
          "has "
              + ctx.inputCount()
              + " inputs and "
              + ctx.outputCount()
              + " outputs, expected dy plus one input per output");
    }
    DType t = FloatTypes.require(ctx, 0);
    long axis = ctx.requireAttr("axis").asInt();
    for (int i = 1; i < ctx.inputCount(); i++) {
      if (ctx.hasOutput(i - 1)) {
        ctx.setOutput(i - 1, t, ctx.inputShape(i));
      }
    }
    return exec -> run(exec, axis);
  }

  private static void run(ExecContext ctx, long axisAttr) {
    Tensor dy = ctx.input(0);
    int[] ys = dy.shape();
    int rank = ys.length;
    if (axisAttr < -rank || axisAttr >= rank) {
      throw ctx.error("axis " + axisAttr + " is out of range for rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= ys[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < rank; i++) {
      inner *= ys[i];
    }
    int total = 0;
    for (int i = 1; i < ctx.inputCount(); i++) {
      int[] xs = ctx.input(i).shape();
      int[] expect = ys.clone();
      expect[axis] = xs.length == rank ? xs[axis] : -1;
      if (!Arrays.equals(xs, expect)) {
        throw ctx.error(
            "input "
                + i
                + " has shape "
                + Arrays.toString(xs)
                + ", which does not concatenate to "
                + Arrays.toString(ys)
                + " along axis "
                + axis);
      }
      total += xs[axis];
    }
    if (total != ys[axis]) {
      throw ctx.error("inputs add up to " + total + " along axis " + axis + ", dy has " + ys[axis]);
    }
    int at = 0;
    for (int i = 1; i < ctx.inputCount(); i++) {
      int[] xs = ctx.input(i).shape();
      int len = xs[axis];
      if (ctx.hasOutput(i - 1)) {
        Tensor out = ctx.output(i - 1, dy.dtype(), xs);
        Object src = dy.array();
        Object dst = out.array();
        for (int p = 0; p < outer; p++) {
          System.arraycopy(
              src,
              dy.offset() + (p * ys[axis] + at) * inner,
              dst,
              out.offset() + p * len * inner,
              len * inner);
        }
      }
      at += len;
    }
  }
}
