package dev.ledge.ops.nn;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * The negative log-likelihood computation shared by NegativeLogLikelihoodLoss and
 * SoftmaxCrossEntropyLoss: from log-probabilities [N, C, d1...] and class targets [N, d1...],
 * {@code loss = -logp[n, target, d] * weight[target]}, 0 (with weight 0) where the target equals
 * ignore_index; reduced by none (shape of target), sum, or mean (the sum divided by the sum of the
 * applied weights, NaN if that is 0).
 */
final class NllLoss {
  /** The reduction attribute. */
  enum Reduction {
    NONE,
    SUM,
    MEAN
  }

  /** The validated attributes. */
  record Params(Reduction reduction, Long ignoreIndex, boolean hasWeight) {}

  private NllLoss() {}

  /** Reads the attributes and checks input types (0: float data, 1: int target, 2: weight). */
  static Params prepare(OpContext ctx, DType t) {
    ctx.requireInputCount(2, 3);
    ctx.requireInputType(1, DType.INT32, DType.INT64);
    boolean hasWeight = FloatIo.optionalSameType(ctx, 2, t, "weight");
    String r = ctx.attrString("reduction", "mean");
    Reduction reduction =
        switch (r) {
          case "none" -> Reduction.NONE;
          case "sum" -> Reduction.SUM;
          case "mean" -> Reduction.MEAN;
          default -> throw ctx.error("reduction is '" + r + "', expected 'none', 'sum' or 'mean'");
        };
    Long ignore = ctx.hasAttr("ignore_index") ? ctx.attrInt("ignore_index", 0) : null;
    Shape xs = ctx.inputShape(0);
    if (xs != null && xs.rank() < 2) {
      throw ctx.error("input has rank " + xs.rank() + ", expected at least 2 (N, C, ...)");
    }
    return new Params(reduction, ignore, hasWeight);
  }

  /** The static shape of the loss output. */
  static Shape lossShape(OpContext ctx, Params p) {
    return p.reduction() == Reduction.NONE ? ctx.inputShape(1) : Shape.of(new int[0]);
  }

  /**
   * Computes the loss from log-probabilities {@code logp} laid out as [N, C, D] ({@code shape} is
   * the original input shape) and writes output 0.
   */
  static void compute(ExecContext ctx, Params p, double[] logp, int[] shape, DType dtype) {
    Tensor target = ctx.input(1);
    int n = shape[0];
    int c = shape[1];
    int[] expected = new int[shape.length - 1];
    expected[0] = n;
    System.arraycopy(shape, 2, expected, 1, shape.length - 2);
    if (!Arrays.equals(target.shape(), expected)) {
      throw ctx.error(
          "target has shape "
              + Arrays.toString(target.shape())
              + ", expected "
              + Arrays.toString(expected)
              + " for input "
              + Arrays.toString(shape));
    }
    double[] weight = null;
    if (p.hasWeight()) {
      Tensor w = ctx.input(2);
      if (w.rank() != 1 || w.dim(0) != c) {
        throw ctx.error(
            "weight has shape " + Arrays.toString(w.shape()) + ", expected [" + c + "]");
      }
      weight = FloatIo.toDoubles(w);
    }
    int d = n == 0 || c == 0 ? target.size() / Math.max(n, 1) : logp.length / (n * c);
    double[] loss = new double[target.size()];
    double sum = 0;
    double weightSum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        int at = i * d + j;
        long t = target.getLong(at);
        if (p.ignoreIndex() != null && t == p.ignoreIndex()) {
          continue;
        }
        if (t < 0 || t >= c) {
          throw ctx.error("target " + t + " at " + at + " is outside [0, " + c + ")");
        }
        double w = weight == null ? 1 : weight[(int) t];
        double v = -logp[(i * c + (int) t) * d + j] * w;
        loss[at] = v;
        sum += v;
        weightSum += w;
      }
    }
    switch (p.reduction()) {
      case NONE -> FloatIo.store(loss, ctx.outputLike(0, dtype, target));
      case SUM -> FloatIo.store(new double[] {sum}, ctx.output(0, dtype, new int[0]));
      case MEAN -> FloatIo.store(new double[] {sum / weightSum}, ctx.output(0, dtype, new int[0]));
    }
  }
}
