package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Trilu (opset 14): keeps the upper ({@code upper=1}, default) or lower triangle of the last two
 * dims, relative to diagonal {@code k} (an optional int64 scalar input, default 0): element (i, j)
 * stays if {@code j - i >= k} (upper) or {@code j - i <= k} (lower); the rest become zero.
 */
final class TriluOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 2);
    if (ctx.hasInput(1)) {
      ctx.requireInputType(1, DType.INT64);
    }
    boolean upper = ctx.attrInt("upper", 1) != 0;
    var in = ctx.inputShape(0);
    if (in != null && in.rank() < 2) {
      throw ctx.error("input must have rank >= 2, got " + in);
    }
    if (ctx.inputDType(0) == DType.FLOAT8E8M0) {
      throw ctx.unsupported("Trilu on float8e8m0, which has no zero");
    }
    ctx.setOutput(0, ctx.inputDType(0), in);
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = x.shape();
      if (s.length < 2) {
        throw exec.error("input must have rank >= 2, got " + x);
      }
      long k = exec.hasInput(1) ? Args.scalar(exec.input(1), "input 'k'", exec::error) : 0;
      Tensor y = exec.output(0, x.dtype(), s);
      Elements.copy(x, 0, y, 0, x.size());
      Tensor zero = Elements.zero(x.dtype());
      int rows = s[s.length - 2];
      int cols = s[s.length - 1];
      int mats = rows * cols == 0 ? 0 : x.size() / (rows * cols);
      for (int m = 0; m < mats; m++) {
        for (int i = 0; i < rows; i++) {
          int row = (m * rows + i) * cols;
          // zero the columns outside the kept range [from, to)
          long from = upper ? Math.max(0, Math.min(cols, i + k)) : 0;
          long to = upper ? cols : Math.max(0, Math.min(cols, i + k + 1));
          Elements.fill(y, row, row + (int) from, zero);
          Elements.fill(y, row + (int) to, row + cols, zero);
        }
      }
    };
  }
}
