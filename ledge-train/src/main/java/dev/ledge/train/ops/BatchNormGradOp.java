package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code BatchNormalizationGrad(dy, x, scale, mean, var)} with {@code epsilon} and {@code
 * training_mode}: outputs dL/dx, dL/dscale and dL/dbias (channel = dim 1).
 *
 * <p>Training mode differentiates through the batch statistics (mean and population variance over
 * every dim but 1, recomputed from x; the mean and var inputs are not read). Inference mode treats
 * the given mean and var as constants. Statistics and sums are accumulated in double.
 */
final class BatchNormGradOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(5, 5);
    DType t = FloatTypes.same(ctx, 0, 1);
    for (int i = 2; i < 5; i++) {
      FloatTypes.same(ctx, 0, i);
    }
    double eps = ctx.attrFloat("epsilon", 1e-5f);
    boolean training = ctx.attrInt("training_mode", 0) != 0;
    ctx.setOutput(0, t, ctx.inputShape(1));
    for (int i = 1; i < 3; i++) {
      if (ctx.hasOutput(i)) {
        ctx.setOutput(i, t, ctx.inputShape(2));
      }
    }
    return exec -> run(exec, eps, training);
  }

  private static void run(ExecContext ctx, double eps, boolean training) {
    Tensor dy = ctx.input(0);
    Tensor x = ctx.input(1);
    Tensor scale = ctx.input(2);
    Tensor mean = ctx.input(3);
    Tensor var = ctx.input(4);
    FloatTypes.sameType(ctx, dy, x);
    FloatTypes.sameShape(ctx, dy, x, "BatchNormalizationGrad");
    int[] xs = x.shape();
    if (xs.length < 2) {
      throw ctx.error("input has shape " + Arrays.toString(xs) + ", expected [N, C, ...]");
    }
    int n = xs[0];
    int c = xs[1];
    for (Tensor p : new Tensor[] {scale, mean, var}) {
      if (p.size() != c || p.dtype() != x.dtype()) {
        throw ctx.error("scale, mean and var must be " + x.dtype() + " [" + c + "], got " + p);
      }
    }
    int plane = n * c == 0 ? 0 : x.size() / (n * c);
    long count = (long) n * plane;
    Tensor dx = ctx.output(0, x.dtype(), xs);
    Tensor dScale = ctx.hasOutput(1) ? ctx.output(1, x.dtype(), scale.shape()) : null;
    Tensor dBias = ctx.hasOutput(2) ? ctx.output(2, x.dtype(), scale.shape()) : null;
    if (x.dtype() == DType.FLOAT32) {
      float32(dy, x, scale, mean, var, dx, dScale, dBias, n, c, plane, eps, training);
      return;
    }
    for (int ch = 0; ch < c; ch++) {
      double mu;
      double inv;
      if (training) {
        double s = 0;
        for (int b = 0; b < n; b++) {
          int base = (b * c + ch) * plane;
          for (int i = 0; i < plane; i++) {
            s += x.getDouble(base + i);
          }
        }
        mu = count == 0 ? 0 : s / count;
        double q = 0;
        for (int b = 0; b < n; b++) {
          int base = (b * c + ch) * plane;
          for (int i = 0; i < plane; i++) {
            double d = x.getDouble(base + i) - mu;
            q += d * d;
          }
        }
        double v = count == 0 ? 0 : q / count;
        inv = 1 / Math.sqrt(v + eps);
      } else {
        mu = mean.getDouble(ch);
        inv = 1 / Math.sqrt(var.getDouble(ch) + eps);
      }
      double sumDy = 0;
      double sumDyXhat = 0;
      for (int b = 0; b < n; b++) {
        int base = (b * c + ch) * plane;
        for (int i = 0; i < plane; i++) {
          double g = dy.getDouble(base + i);
          sumDy += g;
          sumDyXhat += g * (x.getDouble(base + i) - mu) * inv;
        }
      }
      double gamma = scale.getDouble(ch);
      for (int b = 0; b < n; b++) {
        int base = (b * c + ch) * plane;
        for (int i = 0; i < plane; i++) {
          double g = dy.getDouble(base + i);
          double r;
          if (training) {
            double xhat = (x.getDouble(base + i) - mu) * inv;
            r = gamma * inv * (g - sumDy / count - xhat * sumDyXhat / count);
          } else {
            r = g * gamma * inv;
          }
          dx.setDouble(base + i, r);
        }
      }
      if (dScale != null) {
        dScale.setDouble(ch, sumDyXhat);
      }
      if (dBias != null) {
        dBias.setDouble(ch, sumDy);
      }
    }
  }

  /** The same computation on float32 arrays (statistics and sums in double). */
  private static void float32(
      Tensor dyT,
      Tensor xT,
      Tensor scale,
      Tensor mean,
      Tensor var,
      Tensor dxT,
      Tensor dScale,
      Tensor dBias,
      int n,
      int c,
      int plane,
      double eps,
      boolean training) {
    float[] dy = dyT.floats();
    float[] x = xT.floats();
    float[] dx = dxT.floats();
    int dyo = dyT.offset();
    int xo = xT.offset();
    int dxo = dxT.offset();
    long count = (long) n * plane;
    for (int ch = 0; ch < c; ch++) {
      double mu;
      double inv;
      if (training) {
        double s = 0;
        for (int b = 0; b < n; b++) {
          int base = xo + (b * c + ch) * plane;
          for (int i = 0; i < plane; i++) {
            s += x[base + i];
          }
        }
        mu = count == 0 ? 0 : s / count;
        double q = 0;
        for (int b = 0; b < n; b++) {
          int base = xo + (b * c + ch) * plane;
          for (int i = 0; i < plane; i++) {
            double d = x[base + i] - mu;
            q += d * d;
          }
        }
        inv = 1 / Math.sqrt((count == 0 ? 0 : q / count) + eps);
      } else {
        mu = mean.getDouble(ch);
        inv = 1 / Math.sqrt(var.getDouble(ch) + eps);
      }
      double sumDy = 0;
      double sumDyX = 0;
      for (int b = 0; b < n; b++) {
        int xb = xo + (b * c + ch) * plane;
        int gb = dyo + (b * c + ch) * plane;
        for (int i = 0; i < plane; i++) {
          double g = dy[gb + i];
          sumDy += g;
          sumDyX += g * (x[xb + i] - mu);
        }
      }
      double sumDyXhat = sumDyX * inv;
      double gamma = scale.getDouble(ch);
      // dx = gamma * inv * (dy - sumDy / count - xhat * sumDyXhat / count), xhat = (x - mu) * inv
      float a = (float) (gamma * inv);
      float b0 = (float) (training ? -gamma * inv * sumDy / count : 0);
      float k = (float) (training ? -gamma * inv * inv * sumDyXhat / count : 0);
      float fmu = (float) mu;
      for (int b = 0; b < n; b++) {
        int xb = xo + (b * c + ch) * plane;
        int gb = dyo + (b * c + ch) * plane;
        int ob = dxo + (b * c + ch) * plane;
        for (int i = 0; i < plane; i++) {
          dx[ob + i] = a * dy[gb + i] + k * (x[xb + i] - fmu) + b0;
        }
      }
      if (dScale != null) {
        dScale.setDouble(ch, sumDyXhat);
      }
      if (dBias != null) {
        dBias.setDouble(ch, sumDy);
      }
    }
  }
}
