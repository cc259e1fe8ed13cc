package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * OneHot: inserts an axis of length {@code depth} at {@code axis} (default -1, i.e. last); the
 * element at the index's position is {@code values[1]}, all others {@code values[0]}. Indices (and
 * depth) of any numeric type are truncated to integers; negative indices count from the end of the
 * depth (opset 11), and indices still out of range give a row of {@code values[0]}.
 */
final class OneHotOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    long axis = ctx.attrInt("axis", -1);
    Shape ind = ctx.inputShape(0);
    Shape out = null;
    if (ind != null) {
      int a = Args.axis(axis, ind.rank() + 1, "attribute 'axis'", ctx::error);
      Tensor depthConst = ctx.constantInput(1);
      Dim depth = Dim.unknown();
      if (depthConst != null && depthConst.size() == 1 && depthConst.dtype().isNumeric()) {
        depth = Dim.of(depth(depthConst, ctx::error));
      }
      List<Dim> dims = new ArrayList<>(ind.dims());
      dims.add(a, depth);
      out = new Shape(dims);
    }
    ctx.setOutput(0, ctx.inputDType(2), out);
    boolean negative = ctx.opsetVersion() >= 11;
    return exec -> {
      Tensor idx = exec.input(0);
      Tensor values = exec.input(2);
      if (values.size() != 2) {
        throw exec.error("'values' must have 2 elements [off, on], got " + values);
      }
      if (!idx.dtype().isNumeric()) {
        throw exec.error("'indices' must be numeric, got " + idx.dtype());
      }
      int depth = depth(exec.input(1), exec::error);
      int[] is = idx.shape();
      int a = Args.axis(axis, is.length + 1, "attribute 'axis'", exec::error);
      int[] o = new int[is.length + 1];
      System.arraycopy(is, 0, o, 0, a);
      o[a] = depth;
      System.arraycopy(is, a, o, a + 1, is.length - a);
      Args.size(o, exec::error);
      Tensor y = exec.output(0, values.dtype(), o);
      Tensor off = Tensor.allocate(values.dtype());
      Elements.copyOne(values, 0, off, 0);
      Elements.fill(y, 0, y.size(), off);
      int inner = 1;
      for (int d = a; d < is.length; d++) {
        inner *= is[d];
      }
      int n = idx.size();
      for (int i = 0; i < n; i++) {
        long k = idx.dtype().isFloatingPoint() ? (long) idx.getDouble(i) : idx.getLong(i);
        if (k < 0 && negative) {
          k += depth;
        }
        if (k < 0 || k >= depth) {
          continue;
        }
        int outer = i / inner;
        int rest = i % inner;
        Elements.copyOne(values, 1, y, (outer * depth + (int) k) * inner + rest);
      }
    };
  }

  private static int depth(Tensor t, Args.Errors err) {
    if (t.size() != 1 || !t.dtype().isNumeric()) {
      throw err.error("'depth' must be one number, got " + t);
    }
    double d = t.getDouble(0);
    if (!(d >= 0)) {
      throw err.error("'depth' is " + d + ", expected a non-negative number");
    }
    return Args.dim((long) d, "'depth'", err);
  }
}
