package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gather: picks slices of {@code data} along {@code axis} by {@code indices} (int32/int64; negative
 * values count from the end). Output shape: data[:axis] + indices.shape + data[axis+1:].
 */
final class GatherOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ctx.requireInputType(1, DType.INT32, DType.INT64);
    long axis = ctx.attrInt("axis", 0);
    Shape data = ctx.inputShape(0);
    Shape ind = ctx.inputShape(1);
    Shape out = null;
    if (data != null) {
      if (data.rank() == 0) {
        throw ctx.error("input 'data' must have rank >= 1");
      }
      int a = Args.axis(axis, data.rank(), "attribute 'axis'", ctx::error);
      if (ind != null) {
        List<Dim> dims = new ArrayList<>(data.dims().subList(0, a));
        dims.addAll(ind.dims());
        dims.addAll(data.dims().subList(a + 1, data.rank()));
        out = new Shape(dims);
      }
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor idx = Args.indices(exec.input(1), exec::error);
      Layout l =
          exec.kernelState() instanceof Layout k && x.hasShape(k.in) && idx.hasShape(k.indices)
              ? k
              : layout(exec, x, idx, axis);
      int dim = l.dim;
      int inner = l.inner;
      int n = idx.size();
      int[] rows = l.rows;
      for (int j = 0; j < n; j++) {
        long v = idx.getLong(j);
        rows[j] =
            v >= -dim && v < dim ? (int) (v < 0 ? v + dim : v) : index(v, dim, j, exec::error);
      }
      Tensor y = exec.output(0, x.dtype(), l.out);
      int pos = 0;
      for (int k = 0; k < l.outer; k++) {
        int base = k * dim * inner;
        for (int j = 0; j < n; j++) {
          Elements.copy(x, base + rows[j] * inner, y, pos, inner);
          pos += inner;
        }
      }
    };
  }

  /** Sizes for given data and indices shapes, and a row buffer (the node's state between runs). */
  private static final class Layout {
    final int[] in;
    final int[] indices;
    final int[] out;
    final int outer;
    final int inner;
    final int dim;
    final int[] rows;

    Layout(int[] in, int[] indices, int[] out, int outer, int inner, int dim, int n) {
      this.in = in;
      this.indices = indices;
      this.out = out;
      this.outer = outer;
      this.inner = inner;
      this.dim = dim;
      this.rows = new int[n];
    }
  }

  private static Layout layout(ExecContext exec, Tensor x, Tensor idx, long axis) {
    int[] s = x.shape();
    if (s.length == 0) {
      throw exec.error("input 'data' must have rank >= 1");
    }
    int a = Args.axis(axis, s.length, "attribute 'axis'", exec::error);
    int[] is = idx.shape();
    int[] o = new int[s.length - 1 + is.length];
    System.arraycopy(s, 0, o, 0, a);
    System.arraycopy(is, 0, o, a, is.length);
    System.arraycopy(s, a + 1, o, a + is.length, s.length - a - 1);
    Args.size(o, exec::error);
    int outer = 1;
    for (int d = 0; d < a; d++) {
      outer *= s[d];
    }
    int inner = 1;
    for (int d = a + 1; d < s.length; d++) {
      inner *= s[d];
    }
    Layout l = new Layout(s, is, o, outer, inner, s[a], idx.size());
    exec.setKernelState(l);
    return l;
  }

  /**
   * An index into a dim of length {@code dim}, negative counting from the end; an error if out of
   * range.
   */
  static int index(long v, int dim, int at, Args.Errors err) {
    if (v < -dim || v >= dim) {
      throw err.error(
          "index " + v + " (at position " + at + ") is out of range for a dim of " + dim);
    }
    return (int) (v < 0 ? v + dim : v);
  }
}
