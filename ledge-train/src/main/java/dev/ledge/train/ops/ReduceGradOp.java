package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code ReduceSumGrad(dy, x, axes?)} and {@code ReduceMeanGrad(dy, x, axes?)} with the forward
 * node's {@code keepdims} and {@code noop_with_empty_axes}: dy broadcast back over the reduced axes
 * (divided by the number of reduced elements for the mean). Absent or empty axes reduce every axis,
 * or nothing with {@code noop_with_empty_axes}.
 */
final class ReduceGradOp implements Operator {
  private final boolean mean;

  ReduceGradOp(boolean mean) {
    this.mean = mean;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
    DType t = FloatTypes.same(ctx, 0, 1);
    if (ctx.hasInput(2)) {
      ctx.requireInputType(2, DType.INT64);
    }
    boolean keepdims = ctx.attrInt("keepdims", 1) != 0;
    boolean noop = ctx.attrInt("noop_with_empty_axes", 0) != 0;
    ctx.setOutput(0, t, ctx.inputShape(1));
    return exec -> run(exec, keepdims, noop);
  }

  private void run(ExecContext ctx, boolean keepdims, boolean noop) {
    Tensor dy = ctx.input(0);
    Tensor x = ctx.input(1);
    FloatTypes.sameType(ctx, dy, x);
    int[] xs = x.shape();
    int rank = xs.length;
    long[] axes = ctx.hasInput(2) ? ctx.input(2).toLongArray() : new long[0];
    boolean[] reduced = new boolean[rank];
    if (axes.length == 0) {
      Arrays.fill(reduced, !noop);
    }
    for (long a : axes) {
      if (a < -rank || a >= rank) {
        throw ctx.error("axis " + a + " is out of range for rank " + rank);
      }
      reduced[(int) (a < 0 ? a + rank : a)] = true;
    }
    int[] kept = xs.clone();
    int count = 1;
    int keptRank = 0;
    for (int d = 0; d < rank; d++) {
      if (reduced[d]) {
        count *= xs[d];
        kept[d] = 1;
      } else {
        keptRank++;
      }
    }
    int[] expect = kept;
    if (!keepdims) {
      expect = new int[keptRank];
      for (int d = 0, j = 0; d < rank; d++) {
        if (!reduced[d]) {
          expect[j++] = xs[d];
        }
      }
    }
    if (!Arrays.equals(expect, dy.shape())) {
      throw ctx.error(
          "gradient has shape "
              + Arrays.toString(dy.shape())
              + ", expected "
              + Arrays.toString(expect)
              + " for the reduction of "
              + Arrays.toString(xs));
    }
    double scale = mean && count > 0 ? 1.0 / count : 1.0;
    Tensor dx = ctx.output(0, x.dtype(), xs);
    int n = x.size();
    int[] st = Shapes.broadcastStrides(kept, xs);
    int[] idx = new int[rank];
    int off = 0;
    if (x.dtype() == DType.FLOAT32) {
      float[] g = dy.floats();
      float[] o = dx.floats();
      float fs = (float) scale;
      for (int i = 0; i < n; i++) {
        o[dx.offset() + i] = mean ? g[dy.offset() + off] * fs : g[dy.offset() + off];
        off = ReduceSumToOp.advance(idx, xs, st, off, rank - 1);
      }
    } else {
      double[] g = dy.doubles();
      double[] o = dx.doubles();
      for (int i = 0; i < n; i++) {
        o[dx.offset() + i] = g[dy.offset() + off] * scale;
        off = ReduceSumToOp.advance(idx, xs, st, off, rank - 1);
      }
    }
  }
}
