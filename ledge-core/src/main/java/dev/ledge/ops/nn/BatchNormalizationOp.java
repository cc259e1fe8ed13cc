package dev.ledge.ops.nn;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * BatchNormalization, every opset: {@code y = scale * (x - mean) / sqrt(var + epsilon) + B} per
 * channel (dim 1 of X).
 *
 * <ul>
 *   <li>Inference uses the given mean and var.
 *   <li>Training (opset 14+ {@code training_mode=1}; before opset 7 {@code is_test=0}) normalizes
 *       with the batch's own mean and population variance over every dim but 1; from opset 14 the
 *       optional outputs are the running statistics {@code input * momentum + batch * (1 -
 *       momentum)}.
 *   <li>Before opset 9, {@code spatial=0} gives every (channel, spatial position) its own
 *       parameters (shape C x D1 x ...) and statistics.
 * </ul>
 *
 * Opsets before 14 define their training outputs (mean, var, saved_mean, saved_var) only
 * informally; nodes that use them are unsupported. From opset 15 the parameters may have types
 * other than X's; the running statistics keep mean's type.
 */
final class BatchNormalizationOp implements Operator {
  /** What prepare decided. */
  private record Params(
      double epsilon, double momentum, boolean training, boolean spatial, int statOutputs) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    long v = ctx.opsetVersion();
    ctx.requireInputCount(5, 5);
    DType t = FloatIo.requireFloat(ctx, 0);
    for (int i = 1; i < 5; i++) {
      DType pt = FloatIo.requireFloat(ctx, i);
      if (v < 15 && pt != t && !(v >= 14 && i >= 3)) {
        throw ctx.error("input " + i + " has type " + pt + ", expected " + t + " like X");
      }
    }
    if (v >= 15 && ctx.inputDType(4) != ctx.inputDType(3)) {
      throw ctx.error("input_var has type " + ctx.inputDType(4) + ", expected input_mean's type");
    }
    double epsilon = ctx.attrFloat("epsilon", 1e-5f);
    double momentum = ctx.attrFloat("momentum", 0.9f);
    boolean spatial = v >= 9 || ctx.attrInt("spatial", 1) != 0;
    boolean training;
    if (v >= 14) {
      training = ctx.attrInt("training_mode", 0) != 0;
    } else if (v < 7) {
      training = ctx.attrInt("is_test", 0) == 0;
    } else {
      training = false;
    }
    int extra = 0;
    for (int i = 1; i < ctx.outputCount(); i++) {
      if (ctx.hasOutput(i)) {
        extra = i;
      }
    }
    if (v < 14 && extra > 0) {
      throw ctx.unsupported(
          "the training outputs of BatchNormalization-" + v + " (undefined saved_var semantics)");
    }
    if (v >= 14 && extra > 0 && !training) {
      throw ctx.error("running mean/var outputs need training_mode=1");
    }
    if (extra > 2) {
      throw ctx.error("has " + ctx.outputCount() + " outputs, expected at most 3");
    }
    Shape xs = ctx.inputShape(0);
    ctx.setOutput(0, t, xs);
    for (int i = 1; i <= extra; i++) {
      ctx.setOutput(i, ctx.inputDType(i + 2), ctx.inputShape(i + 2));
    }
    Params p = new Params(epsilon, momentum, training, spatial, extra);
    float[][] ab = constantScaleShift(ctx, t, p);
    if (ab != null) {
      return exec -> runConstant(exec, ab[0], ab[1], p);
    }
    return exec -> run(exec, p);
  }

  /**
   * For inference on float32 with constant per-channel parameters, y = x * a + b with a = scale /
   * sqrt(var + eps) and b = B - mean * a, computed once (in double, then rounded as the general
   * kernel does per run). Null if the node does not qualify.
   */
  private static float[][] constantScaleShift(OpContext ctx, DType t, Params p) {
    if (p.training() || !p.spatial() || t != DType.FLOAT32) {
      return null;
    }
    Tensor[] c = new Tensor[4];
    for (int i = 0; i < 4; i++) {
      c[i] = ctx.constantInput(i + 1);
      if (c[i] == null || c[i].rank() != 1 || c[i].size() != c[0].size()) {
        return null;
      }
    }
    int features = c[0].size();
    float[] a = new float[features];
    float[] b = new float[features];
    for (int f = 0; f < features; f++) {
      double af = c[0].getDouble(f) / Math.sqrt(c[3].getDouble(f) + p.epsilon());
      double bf = c[1].getDouble(f) - c[2].getDouble(f) * af;
      a[f] = (float) af;
      b[f] = (float) bf;
    }
    return new float[][] {a, b};
  }

  private static void runConstant(ExecContext ctx, float[] a, float[] b, Params p) {
    Tensor x = ctx.input(0);
    if (x.rank() < 2 || x.dim(1) != a.length) {
      throw ctx.error(
          "X has shape " + Arrays.toString(x.shape()) + ", expected (N, " + a.length + ", ...)");
    }
    int n = x.dim(0);
    int features = a.length;
    int inner = n == 0 || features == 0 ? 0 : x.size() / (n * features);
    Tensor y = ctx.outputLike(0, x.dtype(), x);
    float[] xa = x.floats();
    float[] ya = y.floats();
    int xo = x.offset();
    int yo = y.offset();
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < features; f++) {
        int base = (i * features + f) * inner;
        float af = a[f];
        float bf = b[f];
        for (int j = 0; j < inner; j++) {
          ya[yo + base + j] = xa[xo + base + j] * af + bf;
        }
      }
    }
  }

  private static void run(ExecContext ctx, Params p) {
    Tensor x = ctx.input(0);
    if (x.rank() < 2) {
      throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected (N, C, ...)");
    }
    int n = x.dim(0);
    // Features: channels, or with spatial=0 every (channel, position); inner: positions per
    // feature within one batch item.
    int perItem = n == 0 ? 0 : x.size() / n;
    int features = p.spatial() ? x.dim(1) : perItem;
    int inner = features == 0 ? 0 : perItem / features;
    int[] paramShape =
        p.spatial() ? new int[] {x.dim(1)} : Arrays.copyOfRange(x.shape(), 1, x.rank());
    double[][] params = new double[4][];
    String[] names = {"scale", "B", "input_mean", "input_var"};
    for (int i = 0; i < 4; i++) {
      Tensor t = ctx.input(i + 1);
      if (t.size() != features || !(t.rank() == 1 || Arrays.equals(t.shape(), paramShape))) {
        throw ctx.error(
            names[i]
                + " has shape "
                + Arrays.toString(t.shape())
                + ", expected "
                + Arrays.toString(paramShape));
      }
      params[i] = FloatIo.toDoubles(t);
    }
    double[] mean = params[2];
    double[] var = params[3];
    if (p.training()) {
      mean = new double[features];
      var = new double[features];
      batchStatistics(x, n, features, inner, mean, var);
    }
    // y = x * a + b with a = scale / sqrt(var + eps), b = B - mean * a.
    double[] a = new double[features];
    double[] b = new double[features];
    for (int f = 0; f < features; f++) {
      a[f] = params[0][f] / Math.sqrt(var[f] + p.epsilon());
      b[f] = params[1][f] - mean[f] * a[f];
    }
    Tensor y = ctx.outputLike(0, x.dtype(), x);
    if (x.dtype() == DType.FLOAT32) {
      float[] xa = x.floats();
      float[] ya = y.floats();
      int xo = x.offset();
      int yo = y.offset();
      for (int i = 0; i < n; i++) {
        for (int f = 0; f < features; f++) {
          int base = (i * features + f) * inner;
          double af = a[f];
          double bf = b[f];
          for (int j = 0; j < inner; j++) {
            ya[yo + base + j] = (float) (xa[xo + base + j] * af + bf);
          }
        }
      }
    } else {
      double[] xa = FloatIo.toDoubles(x);
      double[] ya = new double[xa.length];
      for (int i = 0; i < n; i++) {
        for (int f = 0; f < features; f++) {
          int base = (i * features + f) * inner;
          for (int j = 0; j < inner; j++) {
            ya[base + j] = xa[base + j] * a[f] + b[f];
          }
        }
      }
      FloatIo.store(ya, y);
    }
    for (int k = 1; k <= p.statOutputs(); k++) {
      double[] input = params[k + 1];
      double[] batch = k == 1 ? mean : var;
      double[] running = new double[features];
      for (int f = 0; f < features; f++) {
        running[f] = input[f] * p.momentum() + batch[f] * (1 - p.momentum());
      }
      Tensor src = ctx.input(k + 2);
      FloatIo.store(running, ctx.outputLike(k, src.dtype(), src));
    }
  }

  /** Per-feature mean and population variance over the batch and inner positions (two passes). */
  private static void batchStatistics(
      Tensor x, int n, int features, int inner, double[] mean, double[] var) {
    double[] xa = FloatIo.toDoubles(x);
    long count = (long) n * inner;
    for (int f = 0; f < features; f++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * features + f) * inner;
        for (int j = 0; j < inner; j++) {
          s += xa[base + j];
        }
      }
      double mu = s / count;
      double ss = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * features + f) * inner;
        for (int j = 0; j < inner; j++) {
          double d = xa[base + j] - mu;
          ss += d * d;
        }
      }
      mean[f] = mu;
      var[f] = ss / count;
    }
  }
}
