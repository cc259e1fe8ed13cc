package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * GatherElements: {@code out[i_0..i_axis..] = data[i_0..indices[i]..]}; the output has the shape of
 * {@code indices}, whose dims may not exceed data's outside {@code axis}.
 */
final class GatherElementsOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ctx.requireInputType(1, DType.INT32, DType.INT64);
    long axis = ctx.attrInt("axis", 0);
    var data = ctx.inputShape(0);
    var ind = ctx.inputShape(1);
    if (data != null && ind != null && data.rank() != ind.rank()) {
      throw ctx.error("'indices' has rank " + ind.rank() + ", 'data' has rank " + data.rank());
    }
    if (data != null) {
      Args.axis(axis, data.rank(), "attribute 'axis'", ctx::error);
    }
    ctx.setOutput(0, ctx.inputDType(0), ind);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor idx = Args.indices(exec.input(1), exec::error);
      int[] s = x.shape();
      int[] is = idx.shape();
      int a = checkShapes(s, is, axis, exec::error);
      Tensor y = exec.output(0, x.dtype(), is);
      int n = idx.size();
      int[] src = new int[n];
      int[] st = Shapes.strides(s);
      int[] pos = new int[is.length];
      int base = 0; // offset of pos in data, without the axis term
      for (int i = 0; i < n; i++) {
        int k = GatherOp.index(idx.getLong(i), s[a], i, exec::error);
        src[i] = base + k * st[a];
        for (int d = is.length - 1; d >= 0; d--) {
          pos[d]++;
          if (d != a) {
            base += st[d];
          }
          if (pos[d] < is[d]) {
            break;
          }
          if (d != a) {
            base -= st[d] * pos[d];
          }
          pos[d] = 0;
        }
      }
      Elements.gatherRow(x, 0, src, y, 0, n, null);
    };
  }

  /** Checks ranks and dims of data and indices (as for ScatterElements); returns the axis. */
  static int checkShapes(int[] s, int[] is, long axis, Args.Errors err) {
    if (s.length != is.length) {
      throw err.error(
          "'indices' "
              + Arrays.toString(is)
              + " and 'data' "
              + Arrays.toString(s)
              + " differ in rank");
    }
    if (s.length == 0) {
      throw err.error("'data' must have rank >= 1");
    }
    int a = Args.axis(axis, s.length, "attribute 'axis'", err);
    for (int d = 0; d < s.length; d++) {
      if (d != a && is[d] > s[d]) {
        throw err.error(
            "'indices' shape "
                + Arrays.toString(is)
                + " exceeds 'data' shape "
                + Arrays.toString(s)
                + " at dim "
                + d);
      }
    }
    return a;
  }
}
