package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Compress: keeps the slices along {@code axis} (or the elements of the flattened input, without an
 * axis) whose entry in the 1-D bool {@code condition} is true. A shorter condition drops the slices
 * past its end; a longer one is an error.
 */
final class CompressOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ctx.requireInputType(1, DType.BOOL);
    Long axis = ctx.hasAttr("axis") ? ctx.attrInt("axis", 0) : null;
    Shape in = ctx.inputShape(0);
    Shape out = Shape.unknownDims(1);
    if (in != null && axis != null) {
      int a = Args.axis(axis, in.rank(), "attribute 'axis'", ctx::error);
      List<Dim> dims = new ArrayList<>(in.dims());
      dims.set(a, Dim.unknown());
      out = new Shape(dims);
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor cond = exec.input(1);
      if (cond.rank() != 1) {
        throw exec.error("'condition' must be 1-D, got " + cond);
      }
      int[] s = axis == null ? new int[] {x.size()} : x.shape();
      int a = axis == null ? 0 : Args.axis(axis, s.length, "attribute 'axis'", exec::error);
      int len = s[a];
      int c = cond.size();
      if (c > len) {
        throw exec.error(
            "'condition' has " + c + " entries, more than the " + len + " slices along axis " + a);
      }
      int kept = 0;
      for (int i = 0; i < c; i++) {
        kept += cond.getBoolean(i) ? 1 : 0;
      }
      int[] o = s.clone();
      o[a] = kept;
      int outer = 1;
      for (int d = 0; d < a; d++) {
        outer *= s[d];
      }
      int inner = 1;
      for (int d = a + 1; d < s.length; d++) {
        inner *= s[d];
      }
      Tensor y = exec.output(0, x.dtype(), o);
      int pos = 0;
      for (int k = 0; k < outer; k++) {
        for (int i = 0; i < c; i++) {
          if (cond.getBoolean(i)) {
            Elements.copy(x, (k * len + i) * inner, y, pos, inner);
            pos += inner;
          }
        }
      }
    };
  }
}
