package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * EyeLike: a 2-D tensor of the input's shape with ones on diagonal {@code k} (column - row = k) and
 * zeros elsewhere, of type {@code dtype} (default: the input's type).
 */
final class EyeLikeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType dtype =
        ctx.hasAttr("dtype")
            ? Args.dtypeAttr(ctx, "dtype", ctx.attrInt("dtype", 1))
            : ctx.inputDType(0);
    long k = ctx.attrInt("k", 0);
    if (dtype != null && (!dtype.isNumeric() || dtype == DType.FLOAT8E8M0)) {
      throw ctx.unsupported("EyeLike of type " + dtype + " (no 0 and 1)");
    }
    var in = ctx.inputShape(0);
    if (in != null && in.rank() != 2) {
      throw ctx.error("input must be 2-D, got " + in);
    }
    ctx.setOutput(0, dtype, in);
    return exec -> {
      Tensor x = exec.input(0);
      DType t = dtype != null ? dtype : x.dtype();
      if (x.rank() != 2) {
        throw exec.error("input must be 2-D, got " + x);
      }
      if (!t.isNumeric() || t == DType.FLOAT8E8M0) {
        throw exec.error("EyeLike of type " + t);
      }
      int rows = x.dim(0);
      int cols = x.dim(1);
      Tensor y = exec.output(0, t, new int[] {rows, cols});
      Elements.fill(y, 0, y.size(), Elements.zero(t));
      Tensor one = Tensor.allocate(t);
      new ElementCast(DType.INT64, t, true, "up").run(Tensor.scalar(1L), one);
      for (int i = 0; i < rows; i++) {
        long j = i + k;
        if (j >= 0 && j < cols) {
          Elements.copyOne(one, 0, y, i * cols + (int) j);
        }
      }
    };
  }
}
