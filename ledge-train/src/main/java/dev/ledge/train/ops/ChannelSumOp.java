package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * {@code ChannelSum(dy)}: sums {@code dy [N, C, ...]} over every dim but 1, giving {@code [C]}: the
 * gradient of a per-channel bias (Conv's B).
 */
final class ChannelSumOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = FloatTypes.require(ctx, 0);
    var s = ctx.inputShape(0);
    ctx.setOutput(
        0,
        t,
        s != null && s.rank() >= 2 ? new dev.ledge.graph.Shape(java.util.List.of(s.dim(1))) : null);
    return ChannelSumOp::run;
  }

  private static void run(ExecContext ctx) {
    Tensor dy = ctx.input(0);
    int[] s = dy.shape();
    if (s.length < 2) {
      throw ctx.error("input has rank " + s.length + ", expected [N, C, ...]");
    }
    int n = s[0];
    int c = s[1];
    int plane = n * c == 0 ? 0 : dy.size() / (n * c);
    Tensor out = ctx.output(0, dy.dtype(), new int[] {c});
    for (int ch = 0; ch < c; ch++) {
      double acc = 0;
      if (dy.dtype() == DType.FLOAT32) {
        float[] g = dy.floats();
        for (int b = 0; b < n; b++) {
          int base = dy.offset() + (b * c + ch) * plane;
          acc += FloatSums.sum(g, base, plane);
        }
      } else {
        double[] g = dy.doubles();
        for (int b = 0; b < n; b++) {
          int base = dy.offset() + (b * c + ch) * plane;
          for (int i = 0; i < plane; i++) {
            acc += g[base + i];
          }
        }
      }
      out.setDouble(ch, acc);
    }
  }
}
