package dev.ledge.train.ops;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;

/** {@code ZerosLike(x)}: zeros of x's type and shape (the gradient of an unconnected value). */
final class ZerosLikeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.setOutput(0, FloatTypes.require(ctx, 0), ctx.inputShape(0));
    return exec -> {
      Tensor x = exec.input(0);
      Tensor y = exec.output(0, x.dtype(), x.shape());
      if (y.dtype() == dev.ledge.tensor.DType.FLOAT32) {
        java.util.Arrays.fill(y.floats(), y.offset(), y.offset() + y.size(), 0f);
      } else {
        java.util.Arrays.fill(y.doubles(), y.offset(), y.offset() + y.size(), 0);
      }
    };
  }
}
