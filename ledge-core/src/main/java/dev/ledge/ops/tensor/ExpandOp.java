package dev.ledge.ops.tensor;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Broadcast;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Expand: broadcasts the input against the int64 {@code shape} (numpy rules in both directions, so
 * a 1 in {@code shape} keeps the input's dim and the output rank is the larger of the two).
 */
final class ExpandOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    long[] target = Args.constantLongs(ctx, 1, "input 'shape'");
    Shape out = null;
    if (target != null) {
      int[] t = dims(target, ctx::error);
      Shape in = ctx.inputShape(0);
      out = in == null ? null : Broadcast.staticShape(in, Shape.of(t));
      if (in != null && out == null) {
        throw ctx.error("input shape " + in + " cannot be expanded to " + Arrays.toString(target));
      }
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      long[] sh =
          target != null ? target : Args.vector(exec.input(1), "input 'shape'", exec::error);
      int[] s = x.shape();
      int[] o = Shapes.broadcastOrNull(s, dims(sh, exec::error));
      if (o == null) {
        throw exec.error(
            "input shape " + Arrays.toString(s) + " cannot be expanded to " + Arrays.toString(sh));
      }
      Args.size(o, exec::error);
      exec.setOutput(0, broadcast(x, o, exec));
    };
  }

  private static int[] dims(long[] v, Args.Errors err) {
    int[] r = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = Args.dim(v[i], "dim " + i + " of 'shape' " + Arrays.toString(v), err);
    }
    return r;
  }

  /** {@code x} broadcast to {@code o} (returns x itself if nothing changes). */
  static Tensor broadcast(Tensor x, int[] o, dev.ledge.ops.ExecContext exec) {
    if (Arrays.equals(o, x.shape())) {
      return x;
    }
    int[] st = Shapes.broadcastStrides(x.shape(), o);
    int[][] tables = new int[o.length][];
    for (int d = 0; d < o.length; d++) {
      tables[d] = OffsetCopy.strided(o[d], 0, st[d]);
    }
    Tensor y = exec.output(0, x.dtype(), o);
    OffsetCopy.run(x, tables, o, y, null);
    return y;
  }
}
