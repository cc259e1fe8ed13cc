package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * ScatterND: a copy of {@code data} where each innermost row of {@code indices} (length k)
 * addresses a slice {@code data[idx]} that receives the matching slice of {@code updates} (shape
 * indices.shape[:-1] + data.shape[k:]), combined per {@code reduction}, in order.
 */
final class ScatterNDOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    ctx.requireInputType(1, DType.INT64, DType.INT32);
    DType dtype = ctx.inputDType(0);
    DType ut = ctx.inputDType(2);
    if (dtype != null && ut != null && ut != dtype) {
      throw ctx.error("'updates' has type " + ut + ", 'data' has " + dtype);
    }
    ScatterReduction reduction = ScatterReduction.of(ctx, dtype);
    ctx.setOutput(0, dtype, ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      Tensor idx = Args.indices(exec.input(1), exec::error);
      Tensor upd = exec.input(2);
      int[] s = x.shape();
      int[] is = idx.shape();
      if (is.length == 0 || s.length == 0) {
        throw exec.error("'data' and 'indices' must have rank >= 1");
      }
      int k = is[is.length - 1];
      if (k > s.length) {
        throw exec.error(
            "the last dim of 'indices' is " + k + ", more than the rank of 'data' " + s.length);
      }
      int[] us = new int[is.length - 1 + s.length - k];
      System.arraycopy(is, 0, us, 0, is.length - 1);
      System.arraycopy(s, k, us, is.length - 1, s.length - k);
      if (!Arrays.equals(us, upd.shape()) || upd.dtype() != x.dtype()) {
        throw exec.error(
            "'updates' is "
                + upd
                + ", expected shape "
                + Arrays.toString(us)
                + " and type "
                + x.dtype());
      }
      if (reduction != ScatterReduction.NONE && !ScatterReduction.supports(x.dtype())) {
        throw exec.error("reduction " + reduction + " on " + x.dtype());
      }
      Tensor y = exec.output(0, x.dtype(), s);
      Elements.copy(x, 0, y, 0, x.size());
      int[] st = Shapes.strides(s);
      int block = 1;
      for (int d = k; d < s.length; d++) {
        block *= s[d];
      }
      int tuples = 1;
      for (int d = 0; d < is.length - 1; d++) {
        tuples *= is[d];
      }
      for (int t = 0; t < tuples; t++) {
        int off = 0;
        for (int j = 0; j < k; j++) {
          off += GatherOp.index(idx.getLong(t * k + j), s[j], t * k + j, exec::error) * st[j];
        }
        if (reduction == ScatterReduction.NONE) {
          Elements.copy(upd, t * block, y, off, block);
        } else {
          for (int e = 0; e < block; e++) {
            reduction.apply(y, off + e, upd, t * block + e);
          }
        }
      }
    };
  }
}
