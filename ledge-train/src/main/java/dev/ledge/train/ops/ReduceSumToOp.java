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
 * {@code ReduceSumTo(dy, like)}: sums {@code dy} over the dims along which a tensor of {@code
 * like}'s shape was broadcast to {@code dy}'s shape (numpy rules), giving a tensor of {@code
 * like}'s shape. The gradient of broadcasting. Only {@code like}'s shape is read.
 */
final class ReduceSumToOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t = FloatTypes.require(ctx, 0);
    ctx.setOutput(0, t, ctx.inputShape(1));
    return ReduceSumToOp::run;
  }

  private static void run(ExecContext ctx) {
    Tensor dy = ctx.input(0);
    int[] to = ctx.input(1).shape();
    int[] from = dy.shape();
    int[] b = Shapes.broadcastOrNull(to, from);
    if (b == null || !Arrays.equals(b, from)) {
      throw ctx.error(
          "cannot sum "
              + Arrays.toString(from)
              + " down to "
              + Arrays.toString(to)
              + ": the target does not broadcast to the gradient's shape");
    }
    Tensor out = ctx.output(0, dy.dtype(), to);
    int n = dy.size();
    int rank = from.length;
    int[] st = Shapes.broadcastStrides(to, from);
    if (dy.dtype() == DType.FLOAT32) {
      float[] o = out.floats();
      int oo = out.offset();
      Arrays.fill(o, oo, oo + out.size(), 0f);
      float[] g = dy.floats();
      int go = dy.offset();
      if (out.size() == n) {
        System.arraycopy(g, go, o, oo, n);
        return;
      }
      int inner = rank == 0 ? 1 : from[rank - 1];
      int innerStride = rank == 0 ? 0 : st[rank - 1];
      int[] idx = new int[rank];
      int off = 0;
      for (int i = 0; i < n; i += inner) {
        if (innerStride == 0) {
          float s = 0;
          for (int k = 0; k < inner; k++) {
            s += g[go + i + k];
          }
          o[oo + off] += s;
        } else {
          for (int k = 0; k < inner; k++) {
            o[oo + off + k] += g[go + i + k];
          }
        }
        off = advance(idx, from, st, off, rank - 2);
      }
    } else {
      double[] o = out.doubles();
      int oo = out.offset();
      Arrays.fill(o, oo, oo + out.size(), 0);
      double[] g = dy.doubles();
      int go = dy.offset();
      if (out.size() == n) {
        System.arraycopy(g, go, o, oo, n);
        return;
      }
      int inner = rank == 0 ? 1 : from[rank - 1];
      int innerStride = rank == 0 ? 0 : st[rank - 1];
      int[] idx = new int[rank];
      int off = 0;
      for (int i = 0; i < n; i += inner) {
        if (innerStride == 0) {
          double s = 0;
          for (int k = 0; k < inner; k++) {
            s += g[go + i + k];
          }
          o[oo + off] += s;
        } else {
          for (int k = 0; k < inner; k++) {
            o[oo + off + k] += g[go + i + k];
          }
        }
        off = advance(idx, from, st, off, rank - 2);
      }
    }
  }

  /** Odometer step over dims {@code 0..last}; returns the new target offset. */
  static int advance(int[] idx, int[] dims, int[] strides, int off, int last) {
    for (int d = last; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < dims[d]) {
        return off;
      }
      off -= strides[d] * idx[d];
      idx[d] = 0;
    }
    return off;
  }
}
