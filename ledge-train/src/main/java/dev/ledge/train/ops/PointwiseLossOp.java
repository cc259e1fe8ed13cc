package dev.ledge.train.ops;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Losses averaged over every element of two same-shaped tensors, and their gradients (computed in
 * double):
 *
 * <ul>
 *   <li>{@code MeanSquaredError(pred, target)} = mean((pred - target)^2); {@code
 *       MeanSquaredErrorGrad(dloss, pred, target)} → d/dpred, d/dtarget;
 *   <li>{@code BinaryCrossEntropyWithLogits(logits, target)} = mean(max(z, 0) - z t + log(1 +
 *       exp(-|z|))), the stable form of -[t log σ(z) + (1 - t) log(1 - σ(z))]; its grad → (σ(z) -
 *       t) dloss / n for z and -z dloss / n for t.
 * </ul>
 */
final class PointwiseLossOp implements Operator {
  /** Which loss. */
  enum Kind {
    MSE,
    BCE_WITH_LOGITS
  }

  private final Kind kind;
  private final boolean grad;

  PointwiseLossOp(Kind kind, boolean grad) {
    this.kind = kind;
    this.grad = grad;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    int o = grad ? 1 : 0;
    ctx.requireInputCount(2 + o, 2 + o);
    DType t = FloatTypes.same(ctx, o, o + 1);
    if (grad) {
      FloatTypes.same(ctx, 0, 1);
      ctx.setOutput(0, t, ctx.inputShape(1));
      if (ctx.hasOutput(1)) {
        ctx.setOutput(1, t, ctx.inputShape(2));
      }
    } else {
      ctx.setOutput(0, t, Shape.of(new int[0]));
    }
    return this::run;
  }

  private void run(ExecContext ctx) {
    int o = grad ? 1 : 0;
    Tensor a = ctx.input(o);
    Tensor b = ctx.input(o + 1);
    FloatTypes.sameType(ctx, a, b);
    FloatTypes.sameShape(ctx, a, b, kind == Kind.MSE ? "MeanSquaredError" : "BinaryCrossEntropy");
    int n = a.size();
    if (!grad) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        double x = a.getDouble(i);
        double t = b.getDouble(i);
        s +=
            kind == Kind.MSE
                ? (x - t) * (x - t)
                : Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
      }
      ctx.output(0, a.dtype(), new int[0]).setDouble(0, s / n);
      return;
    }
    Tensor dl = ctx.input(0);
    if (dl.size() != 1) {
      throw ctx.error("dloss must be a scalar, got " + dl);
    }
    double scale = dl.getDouble(0) / n;
    Tensor da = ctx.output(0, a.dtype(), a.shape());
    Tensor db = ctx.hasOutput(1) ? ctx.output(1, a.dtype(), a.shape()) : null;
    for (int i = 0; i < n; i++) {
      double x = a.getDouble(i);
      double t = b.getDouble(i);
      if (kind == Kind.MSE) {
        double g = 2 * (x - t) * scale;
        da.setDouble(i, g);
        if (db != null) {
          db.setDouble(i, -g);
        }
      } else {
        da.setDouble(i, (sigmoid(x) - t) * scale);
        if (db != null) {
          db.setDouble(i, -x * scale);
        }
      }
    }
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
}
