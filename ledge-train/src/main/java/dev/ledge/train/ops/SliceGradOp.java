package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code SliceGrad(dy, x, starts, ends, axes?, steps?)}: zeros of x's shape with dy written back at
 * the positions ONNX Slice (opset 10+ semantics: clamped starts and ends, negative steps) took it
 * from.
 */
final class SliceGradOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(4, 6);
    DType t = FloatTypes.same(ctx, 0, 1);
    for (int i = 2; i < ctx.inputCount(); i++) {
      if (ctx.hasInput(i)) {
        FloatTypes.requireIndices(ctx, i);
      }
    }
    ctx.setOutput(0, t, ctx.inputShape(1));
    return SliceGradOp::run;
  }

  private static void run(ExecContext ctx) {
    Tensor dy = ctx.input(0);
    int[] xs = ctx.input(1).shape();
    int rank = xs.length;
    long[] starts = ctx.input(2).toLongArray();
    long[] ends = ctx.input(3).toLongArray();
    long[] axes = ctx.hasInput(4) ? ctx.input(4).toLongArray() : null;
    long[] steps = ctx.hasInput(5) ? ctx.input(5).toLongArray() : null;
    int k = starts.length;
    if (ends.length != k
        || (axes != null && axes.length != k)
        || (steps != null && steps.length != k)) {
      throw ctx.error("starts, ends, axes and steps must have the same length");
    }
    int[] start = new int[rank];
    int[] step = new int[rank];
    int[] count = xs.clone();
    Arrays.fill(step, 1);
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < k; i++) {
      long a = axes == null ? i : axes[i];
      if (a < -rank || a >= rank) {
        throw ctx.error("axis " + a + " is out of range for rank " + rank);
      }
      int ax = (int) (a < 0 ? a + rank : a);
      if (seen[ax]) {
        throw ctx.error("axis " + ax + " is repeated");
      }
      seen[ax] = true;
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw ctx.error("steps must not be 0");
      }
      long dim = xs[ax];
      long s = starts[i];
      long e = ends[i];
      s = s < 0 ? s + dim : s;
      e = e < 0 ? e + dim : e;
      if (st > 0) {
        s = Math.clamp(s, 0, dim);
        e = Math.clamp(e, 0, dim);
      } else {
        s = Math.clamp(s, 0, dim - 1);
        e = Math.clamp(e, -1, dim - 1);
      }
      long n = st > 0 ? (e - s + st - 1) / st : (s - e + (-st) - 1) / (-st);
      start[ax] = (int) s;
      step[ax] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, st));
      count[ax] = (int) Math.max(0, n);
    }
    if (!Arrays.equals(count, dy.shape())) {
      throw ctx.error(
          "gradient has shape "
              + Arrays.toString(dy.shape())
              + ", the slice of "
              + Arrays.toString(xs)
              + " has "
              + Arrays.toString(count));
    }
    Tensor dx = ctx.output(0, dy.dtype(), xs);
    int[] strides = dev.ledge.tensor.Shapes.strides(xs);
    if (dy.dtype() == DType.FLOAT32) {
      Arrays.fill(dx.floats(), dx.offset(), dx.offset() + dx.size(), 0f);
    } else {
      Arrays.fill(dx.doubles(), dx.offset(), dx.offset() + dx.size(), 0);
    }
    int n = dy.size();
    if (n == 0) {
      return;
    }
    int[] idx = new int[rank];
    int off = 0;
    for (int d = 0; d < rank; d++) {
      off += start[d] * strides[d];
    }
    for (int i = 0; i < n; i++) {
      if (dy.dtype() == DType.FLOAT32) {
        dx.floats()[dx.offset() + off] = dy.floats()[dy.offset() + i];
      } else {
        dx.doubles()[dx.offset() + off] = dy.doubles()[dy.offset() + i];
      }
      for (int d = rank - 1; d >= 0; d--) {
        idx[d]++;
        off += step[d] * strides[d];
        if (idx[d] < count[d]) {
          break;
        }
        off -= step[d] * strides[d] * idx[d];
        idx[d] = 0;
      }
    }
  }
}
