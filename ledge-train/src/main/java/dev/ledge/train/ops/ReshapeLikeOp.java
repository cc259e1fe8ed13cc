package dev.ledge.train.ops;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code ReshapeLike(dy, like)}: {@code dy}'s elements with {@code like}'s shape (a view, no copy).
 * The gradient of Reshape, Flatten, Squeeze and Unsqueeze.
 */
final class ReshapeLikeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ctx.setOutput(0, FloatTypes.require(ctx, 0), ctx.inputShape(1));
    return exec -> {
      Tensor dy = exec.input(0);
      int[] to = exec.input(1).shape();
      if (dev.ledge.tensor.Shapes.size(to) != dy.size()) {
        throw exec.error(
            "cannot reshape " + Arrays.toString(dy.shape()) + " to " + Arrays.toString(to));
      }
      exec.setOutput(0, dy.reshape(to));
    };
  }
}
