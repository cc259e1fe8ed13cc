package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code GatherGrad(dy, x, indices)} with the forward node's {@code axis}: zeros of x's shape into
 * which every slice of dy is added at the row its index selected (rows selected twice accumulate):
 * the gradient of an embedding lookup.
 */
final class GatherGradOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    DType t = FloatTypes.same(ctx, 0, 1);
    FloatTypes.requireIndices(ctx, 2);
    long axis = ctx.attrInt("axis", 0);
    ctx.setOutput(0, t, ctx.inputShape(1));
    return exec -> run(exec, axis);
  }

  private static void run(ExecContext ctx, long axisAttr) {
    Tensor dy = ctx.input(0);
    Tensor x = ctx.input(1);
    Tensor ind = ctx.input(2);
    FloatTypes.sameType(ctx, dy, x);
    int[] xs = x.shape();
    int rank = xs.length;
    if (axisAttr < -rank || axisAttr >= rank) {
      throw ctx.error("axis " + axisAttr + " is out of range for rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int[] is = ind.shape();
    int[] expect = new int[rank - 1 + is.length];
    System.arraycopy(xs, 0, expect, 0, axis);
    System.arraycopy(is, 0, expect, axis, is.length);
    System.arraycopy(xs, axis + 1, expect, axis + is.length, rank - axis - 1);
    if (!Arrays.equals(expect, dy.shape())) {
      throw ctx.error(
          "gradient has shape "
              + Arrays.toString(dy.shape())
              + ", expected "
              + Arrays.toString(expect));
    }
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= xs[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < rank; i++) {
      inner *= xs[i];
    }
    int dim = xs[axis];
    int k = ind.size();
    int[] rows = new int[k];
    for (int j = 0; j < k; j++) {
      long v = ind.getLong(j);
      if (v < -dim || v >= dim) {
        throw ctx.error("index " + v + " is out of range for axis " + axis + " of size " + dim);
      }
      rows[j] = (int) (v < 0 ? v + dim : v);
    }
    Tensor dx = ctx.output(0, x.dtype(), xs);
    if (x.dtype() == DType.FLOAT32) {
      float[] o = dx.floats();
      float[] g = dy.floats();
      Arrays.fill(o, dx.offset(), dx.offset() + dx.size(), 0f);
      for (int p = 0; p < outer; p++) {
        for (int j = 0; j < k; j++) {
          int src = dy.offset() + (p * k + j) * inner;
          int dst = dx.offset() + (p * dim + rows[j]) * inner;
          for (int q = 0; q < inner; q++) {
            o[dst + q] += g[src + q];
          }
        }
      }
    } else {
      double[] o = dx.doubles();
      double[] g = dy.doubles();
      Arrays.fill(o, dx.offset(), dx.offset() + dx.size(), 0);
      for (int p = 0; p < outer; p++) {
        for (int j = 0; j < k; j++) {
          int src = dy.offset() + (p * k + j) * inner;
          int dst = dx.offset() + (p * dim + rows[j]) * inner;
          for (int q = 0; q < inner; q++) {
            o[dst + q] += g[src + q];
          }
        }
      }
    }
  }
}
