package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code LayerNormalizationGrad(dy, x, scale)} with the forward node's {@code axis} and {@code
 * epsilon}: dL/dx, dL/dscale and dL/dbias (the last two of the normalized shape, x's dims from axis
 * on). Row statistics are recomputed from x; sums are accumulated in double.
 */
final class LayerNormGradOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    DType t = FloatTypes.same(ctx, 0, 1);
    FloatTypes.same(ctx, 0, 2);
    long axis = ctx.attrInt("axis", -1);
    double eps = ctx.attrFloat("epsilon", 1e-5f);
    ctx.setOutput(0, t, ctx.inputShape(1));
    for (int i = 1; i < 3; i++) {
      if (ctx.hasOutput(i)) {
        ctx.setOutput(i, t, ctx.inputShape(2));
      }
    }
    return exec -> run(exec, axis, eps);
  }

  private static void run(ExecContext ctx, long axisAttr, double eps) {
    Tensor dy = ctx.input(0);
    Tensor x = ctx.input(1);
    Tensor scale = ctx.input(2);
    FloatTypes.sameType(ctx, dy, x);
    FloatTypes.sameShape(ctx, dy, x, "LayerNormalizationGrad");
    int[] xs = x.shape();
    int rank = xs.length;
    if (axisAttr < -rank || axisAttr >= rank) {
      throw ctx.error("axis " + axisAttr + " is out of range for rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int rows = 1;
    for (int i = 0; i < axis; i++) {
      rows *= xs[i];
    }
    int d = rows == 0 ? 0 : x.size() / rows;
    if (scale.size() != d || scale.dtype() != x.dtype()) {
      throw ctx.error(
          "scale is "
              + scale
              + ", expected "
              + d
              + " "
              + x.dtype()
              + " elements (shape "
              + Arrays.toString(Arrays.copyOfRange(xs, axis, rank))
              + ")");
    }
    Tensor dx = ctx.output(0, x.dtype(), xs);
    double[] dScale = new double[d];
    double[] dBias = new double[d];
    for (int r = 0; r < rows; r++) {
      int base = r * d;
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += x.getDouble(base + j);
      }
      double mu = s / d;
      double q = 0;
      for (int j = 0; j < d; j++) {
        double v = x.getDouble(base + j) - mu;
        q += v * v;
      }
      double inv = 1 / Math.sqrt(q / d + eps);
      double sumG = 0;
      double sumGX = 0;
      for (int j = 0; j < d; j++) {
        double xhat = (x.getDouble(base + j) - mu) * inv;
        double g = dy.getDouble(base + j);
        double gx = g * scale.getDouble(j);
        sumG += gx;
        sumGX += gx * xhat;
        dScale[j] += g * xhat;
        dBias[j] += g;
      }
      for (int j = 0; j < d; j++) {
        double xhat = (x.getDouble(base + j) - mu) * inv;
        double gx = dy.getDouble(base + j) * scale.getDouble(j);
        dx.setDouble(base + j, inv * (gx - sumG / d - xhat * sumGX / d));
      }
    }
    if (ctx.hasOutput(1)) {
      Tensor t = ctx.output(1, x.dtype(), scale.shape());
      for (int j = 0; j < d; j++) {
        t.setDouble(j, dScale[j]);
      }
    }
    if (ctx.hasOutput(2)) {
      Tensor t = ctx.output(2, x.dtype(), scale.shape());
      for (int j = 0; j < d; j++) {
        t.setDouble(j, dBias[j]);
      }
    }
  }
}
