package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code GlobalAveragePoolGrad(dy, x)}: every element of plane (n, c) of x gets {@code dy[n, c] /
 * (plane size)}.
 */
final class GlobalAveragePoolGradOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t = FloatTypes.same(ctx, 0, 1);
    ctx.setOutput(0, t, ctx.inputShape(1));
    return GlobalAveragePoolGradOp::run;
  }

  private static void run(ExecContext ctx) {
    Tensor dy = ctx.input(0);
    Tensor x = ctx.input(1);
    FloatTypes.sameType(ctx, dy, x);
    int[] xs = x.shape();
    if (xs.length < 2 || dy.size() != xs[0] * xs[1]) {
      throw ctx.error(
          "gradient "
              + Arrays.toString(dy.shape())
              + " does not match input "
              + Arrays.toString(xs));
    }
    int planes = xs[0] * xs[1];
    int plane = planes == 0 ? 0 : x.size() / planes;
    Tensor dx = ctx.output(0, x.dtype(), xs);
    if (x.dtype() == DType.FLOAT32) {
      float[] g = dy.floats();
      float[] o = dx.floats();
      for (int p = 0; p < planes; p++) {
        float v = (float) (g[dy.offset() + p] / (double) plane);
        Arrays.fill(o, dx.offset() + p * plane, dx.offset() + (p + 1) * plane, v);
      }
    } else {
      double[] g = dy.doubles();
      double[] o = dx.doubles();
      for (int p = 0; p < planes; p++) {
        double v = g[dy.offset() + p] / plane;
        Arrays.fill(o, dx.offset() + p * plane, dx.offset() + (p + 1) * plane, v);
      }
    }
  }
}
