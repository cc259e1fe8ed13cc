package dev.ledge.ops.nn;

import dev.ledge.kernels.Scratch;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * LRN (opsets 1, 13): local response normalization across channels, {@code y = x / (bias + alpha /
 * size * sum of x^2 over channels [c - floor((size-1)/2), c + ceil((size-1)/2)])^beta}.
 */
final class LrnOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = FloatIo.requireFloat(ctx, 0);
    long size = NnShapes.requiredInt(ctx, "size");
    if (size < 1 || size > Integer.MAX_VALUE) {
      throw ctx.error("size is " + size + ", expected a positive value");
    }
    double alpha = ctx.attrFloat("alpha", 1e-4f);
    double beta = ctx.attrFloat("beta", 0.75f);
    double bias = ctx.attrFloat("bias", 1f);
    ctx.setOutput(0, t, ctx.inputShape(0));
    int s = (int) size;
    return exec -> run(exec, s, alpha, beta, bias);
  }

  private static void run(ExecContext ctx, int size, double alpha, double beta, double bias) {
    Tensor x = ctx.input(0);
    if (x.rank() < 2) {
      throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected (N, C, ...)");
    }
    int n = x.dim(0);
    int c = x.dim(1);
    int inner = n == 0 || c == 0 ? 0 : x.size() / (n * c);
    int before = (size - 1) / 2;
    int after = size - 1 - before; // ceil((size - 1) / 2)
    if (x.dtype() == DType.FLOAT32) {
      runFloat(
          x, ctx.outputLike(0, x.dtype(), x), n, c, inner, before, after, size, alpha, beta, bias);
      return;
    }
    double[] xa = FloatIo.toDoubles(x);
    double[] ya = new double[xa.length];
    double scale = alpha / size;
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        int lo = Math.max(0, ch - before);
        int hi = Math.min(c - 1, ch + after);
        int out = (b * c + ch) * inner;
        for (int j = 0; j < inner; j++) {
          double ss = 0;
          for (int k = lo; k <= hi; k++) {
            double v = xa[(b * c + k) * inner + j];
            ss += v * v;
          }
          ya[out + j] = xa[out + j] / Math.pow(bias + scale * ss, beta);
        }
      }
    }
    FloatIo.store(ya, ctx.outputLike(0, x.dtype(), x));
  }

  /**
   * float32 without temporaries: squares summed per position over the channel window (in float,
   * like the definition's float inputs), the power taken in double. beta = 0.75 (the usual value)
   * uses v^-0.75 = 1 / (sqrt(v) * sqrt(sqrt(v))), which is what pow computes up to an ulp of double
   * precision, far below float32's.
   */
  private static void runFloat(
      Tensor x,
      Tensor y,
      int n,
      int c,
      int inner,
      int before,
      int after,
      int size,
      double alpha,
      double beta,
      double bias) {
    float[] xa = x.floats();
    float[] ya = y.floats();
    int xo = x.offset();
    int yo = y.offset();
    float[] ss = Scratch.floats(Scratch.Slot.ROW, inner);
    double scale = alpha / size;
    boolean threeQuarters = beta == 0.75;
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        int lo = Math.max(0, ch - before);
        int hi = Math.min(c - 1, ch + after);
        java.util.Arrays.fill(ss, 0, inner, 0f);
        for (int k = lo; k <= hi; k++) {
          int src = xo + (b * c + k) * inner;
          for (int j = 0; j < inner; j++) {
            float v = xa[src + j];
            ss[j] += v * v;
          }
        }
        int at = (b * c + ch) * inner;
        for (int j = 0; j < inner; j++) {
          double v = bias + scale * ss[j];
          double f;
          if (threeQuarters) {
            double r = Math.sqrt(v);
            f = 1.0 / (r * Math.sqrt(r));
          } else {
            f = Math.pow(v, -beta);
          }
          ya[yo + at + j] = (float) (xa[xo + at + j] * f);
        }
      }
    }
  }
}
