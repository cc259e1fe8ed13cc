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
 * Softmax cross-entropy from logits, with label smoothing and class weights.
 *
 * <ul>
 *   <li>{@code SoftmaxCrossEntropy(logits [N, C], labels [N], weights [C]?)} → scalar loss;
 *   <li>{@code SoftmaxCrossEntropyGrad(dloss, logits, labels, weights?)} → dL/dlogits.
 * </ul>
 *
 * <p>With smoothing ε the target of sample i is {@code q = (1 - ε) onehot(y_i) + ε / C}; its loss
 * is {@code l_i = -sum_c q_c log softmax(z_i)_c}; the result is the weighted mean {@code sum_i
 * w[y_i] l_i / sum_i w[y_i]} (all weights 1 without the input). The gradient is {@code dloss *
 * w[y_i] / sum w * (softmax(z_i) - q)}. Computed in double.
 */
final class CrossEntropyOp implements Operator {
  private final boolean grad;

  CrossEntropyOp(boolean grad) {
    this.grad = grad;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    int o = grad ? 1 : 0;
    ctx.requireInputCount(2 + o, 3 + o);
    DType t = FloatTypes.require(ctx, o);
    FloatTypes.requireIndices(ctx, o + 1);
    if (grad) {
      FloatTypes.same(ctx, 1, 0);
    }
    if (ctx.hasInput(o + 2)) {
      FloatTypes.same(ctx, o, o + 2);
    }
    double eps = ctx.attrFloat("label_smoothing", 0f);
    if (!(eps >= 0 && eps <= 1)) {
      throw ctx.error("label_smoothing is " + eps + ", expected a value in [0, 1]");
    }
    Shape s = ctx.inputShape(o);
    if (s != null && s.rank() != 2) {
      throw ctx.error("logits have shape " + s + ", expected [N, C]");
    }
    ctx.setOutput(0, t, grad ? s : Shape.of(new int[0]));
    return exec -> run(exec, eps);
  }

  private void run(ExecContext ctx, double eps) {
    int o = grad ? 1 : 0;
    Tensor z = ctx.input(o);
    Tensor y = ctx.input(o + 1);
    Tensor w = ctx.input(o + 2);
    int[] zs = z.shape();
    if (zs.length != 2 || y.rank() != 1 || y.dim(0) != zs[0]) {
      throw ctx.error(
          "logits "
              + Arrays.toString(zs)
              + " and labels "
              + Arrays.toString(y.shape())
              + " do not match: expected [N, C] and [N]");
    }
    int n = zs[0];
    int c = zs[1];
    if (w != null && (w.rank() != 1 || w.dim(0) != c)) {
      throw ctx.error(
          "class weights have shape " + Arrays.toString(w.shape()) + ", expected [" + c + "]");
    }
    int[] label = new int[n];
    double wsum = 0;
    for (int i = 0; i < n; i++) {
      long v = y.getLong(i);
      if (v < 0 || v >= c) {
        throw ctx.error("label " + i + " is " + v + ", expected 0.." + (c - 1));
      }
      label[i] = (int) v;
      wsum += w == null ? 1 : w.getDouble(label[i]);
    }
    double[] p = new double[c];
    if (!grad) {
      double loss = 0;
      for (int i = 0; i < n; i++) {
        double lse = logSumExp(z, i * c, c);
        double sumLogp = 0;
        for (int k = 0; k < c; k++) {
          sumLogp += z.getDouble(i * c + k) - lse;
        }
        double logpy = z.getDouble(i * c + label[i]) - lse;
        double li = -((1 - eps) * logpy + eps / c * sumLogp);
        loss += (w == null ? 1 : w.getDouble(label[i])) * li;
      }
      Tensor out = ctx.output(0, z.dtype(), new int[0]);
      out.setDouble(0, loss / wsum);
      return;
    }
    Tensor dl = ctx.input(0);
    if (dl.size() != 1) {
      throw ctx.error("dloss must be a scalar, got " + dl);
    }
    double scale = dl.getDouble(0) / wsum;
    Tensor dz = ctx.output(0, z.dtype(), zs);
    for (int i = 0; i < n; i++) {
      double lse = logSumExp(z, i * c, c);
      double wi = (w == null ? 1 : w.getDouble(label[i])) * scale;
      for (int k = 0; k < c; k++) {
        p[k] = Math.exp(z.getDouble(i * c + k) - lse);
        double q = eps / c + (k == label[i] ? 1 - eps : 0);
        dz.setDouble(i * c + k, wi * (p[k] - q));
      }
    }
  }

  static double logSumExp(Tensor z, int off, int c) {
    double m = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      m = Math.max(m, z.getDouble(off + k));
    }
    if (Double.isInfinite(m)) {
      return m;
    }
    double s = 0;
    for (int k = 0; k < c; k++) {
      s += Math.exp(z.getDouble(off + k) - m);
    }
    return m + Math.log(s);
  }
}
