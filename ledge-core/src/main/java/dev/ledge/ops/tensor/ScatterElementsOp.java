package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * ScatterElements (and the deprecated Scatter, its opset 9-10 form): a copy of {@code data} where
 * {@code out[i_0..indices[i]..] = updates[i]} along {@code axis}, combined per {@code reduction}.
 * Updates are applied in order, so the last of duplicate indices wins without a reduction.
 */
final class ScatterElementsOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    ctx.requireInputType(1, DType.INT32, DType.INT64);
    DType dtype = ctx.inputDType(0);
    DType ut = ctx.inputDType(2);
    if (dtype != null && ut != null && ut != dtype) {
      throw ctx.error("'updates' has type " + ut + ", 'data' has " + dtype);
    }
    long axis = ctx.attrInt("axis", 0);
    ScatterReduction reduction = ScatterReduction.of(ctx, dtype);
    ctx.setOutput(0, dtype, ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      Tensor idx = Args.indices(exec.input(1), exec::error);
      Tensor upd = exec.input(2);
      int[] s = x.shape();
      int[] is = idx.shape();
      int a = GatherElementsOp.checkShapes(s, is, axis, exec::error);
      if (!Arrays.equals(is, upd.shape()) || upd.dtype() != x.dtype()) {
        throw exec.error(
            "'updates' "
                + upd
                + " must have the shape of 'indices' "
                + Arrays.toString(is)
                + " and the type of 'data'");
      }
      if (reduction != ScatterReduction.NONE && !ScatterReduction.supports(x.dtype())) {
        throw exec.error("reduction " + reduction + " on " + x.dtype());
      }
      Tensor y = exec.output(0, x.dtype(), s);
      Elements.copy(x, 0, y, 0, x.size());
      int n = idx.size();
      int[] st = Shapes.strides(s);
      int[] pos = new int[is.length];
      int base = 0;
      for (int i = 0; i < n; i++) {
        int k = GatherOp.index(idx.getLong(i), s[a], i, exec::error);
        reduction.apply(y, base + k * st[a], upd, i);
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
    };
  }
}
