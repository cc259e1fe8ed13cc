package dev.ledge.train.ops;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * The soft-target term of distillation: {@code SoftTargetKL(student [N, C], teacher [N, C])} with
 * {@code temperature} T = {@code (1/N) sum_i KL(softmax(teacher_i / T) || softmax(student_i / T))}
 * (terms with a zero teacher probability count 0). {@code SoftTargetKLGrad(dloss, student,
 * teacher)} → dL/dstudent = {@code dloss (softmax(s/T) - softmax(t/T)) / (T N)}; the teacher is a
 * constant. Computed in double.
 */
final class SoftTargetKlOp implements Operator {
  private final boolean grad;

  SoftTargetKlOp(boolean grad) {
    this.grad = grad;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    int o = grad ? 1 : 0;
    ctx.requireInputCount(2 + o, 2 + o);
    DType t = FloatTypes.same(ctx, o, o + 1);
    double temp = ctx.attrFloat("temperature", 1f);
    if (!(temp > 0)) {
      throw ctx.error("temperature is " + temp + ", expected > 0");
    }
    ctx.setOutput(0, t, grad ? ctx.inputShape(1) : Shape.of(new int[0]));
    return exec -> run(exec, temp);
  }

  private void run(ExecContext ctx, double temp) {
    int o = grad ? 1 : 0;
    Tensor s = ctx.input(o);
    Tensor t = ctx.input(o + 1);
    FloatTypes.sameType(ctx, s, t);
    FloatTypes.sameShape(ctx, s, t, "SoftTargetKL");
    if (s.rank() != 2) {
      throw ctx.error("logits have shape " + Arrays.toString(s.shape()) + ", expected [N, C]");
    }
    int n = s.dim(0);
    int c = s.dim(1);
    double[] ps = new double[c];
    double[] pt = new double[c];
    double loss = 0;
    double scale = 0;
    Tensor ds = null;
    if (grad) {
      Tensor dl = ctx.input(0);
      if (dl.size() != 1) {
        throw ctx.error("dloss must be a scalar, got " + dl);
      }
      scale = dl.getDouble(0) / (temp * n);
      ds = ctx.output(0, s.dtype(), s.shape());
    }
    for (int i = 0; i < n; i++) {
      double ls = softmax(s, i * c, c, temp, ps);
      double lt = softmax(t, i * c, c, temp, pt);
      for (int k = 0; k < c; k++) {
        if (grad) {
          ds.setDouble(i * c + k, scale * (ps[k] - pt[k]));
        } else if (pt[k] > 0) {
          double logPt = t.getDouble(i * c + k) / temp - lt;
          double logPs = s.getDouble(i * c + k) / temp - ls;
          loss += pt[k] * (logPt - logPs);
        }
      }
    }
    if (!grad) {
      ctx.output(0, s.dtype(), new int[0]).setDouble(0, loss / n);
    }
  }

  /** Writes softmax(z/T) of one row into p and returns log-sum-exp of z/T. */
  private static double softmax(Tensor z, int off, int c, double temp, double[] p) {
    double m = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      m = Math.max(m, z.getDouble(off + k) / temp);
    }
    double sum = 0;
    for (int k = 0; k < c; k++) {
      p[k] = Math.exp(z.getDouble(off + k) / temp - m);
      sum += p[k];
    }
    for (int k = 0; k < c; k++) {
      p[k] /= sum;
    }
    return m + Math.log(sum);
  }
}
