package dev.ledge.train.ops;

import dev.ledge.kernels.KernelProvider;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Gradients of elementwise activations: {@code XGrad(dy, v)} with {@code v} the forward input or
 * output, as each kind needs; the result has dy's shape.
 *
 * <ul>
 *   <li>{@code ReluGrad(dy, y)}: dy where y > 0, else 0 (0 at the kink).
 *   <li>{@code LeakyReluGrad(dy, x)} ({@code alpha}): dy where x > 0, else alpha * dy.
 *   <li>{@code SigmoidGrad(dy, y)}: dy * y * (1 - y).
 *   <li>{@code TanhGrad(dy, y)}: dy * (1 - y^2).
 *   <li>{@code HardSwishGrad(dy, x)}: 0 for x < -3, dy for x > 3, dy * (2x + 3) / 6 between.
 *   <li>{@code ClipGrad(dy, x, min?, max?)}: dy where min <= x <= max, else 0.
 * </ul>
 */
final class ActivationGradOp implements Operator {
  /** The activation whose gradient this is. */
  enum Kind {
    RELU("ReluGrad"),
    LEAKY_RELU("LeakyReluGrad"),
    SIGMOID("SigmoidGrad"),
    TANH("TanhGrad"),
    HARD_SWISH("HardSwishGrad"),
    CLIP("ClipGrad");

    final String opType;

    Kind(String opType) {
      this.opType = opType;
    }
  }

  private static final boolean SIMD = KernelProvider.current().simd();

  private final Kind kind;

  ActivationGradOp(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, kind == Kind.CLIP ? 4 : 2);
    DType t = FloatTypes.same(ctx, 0, 1);
    for (int i = 2; i < ctx.inputCount(); i++) {
      if (ctx.hasInput(i)) {
        FloatTypes.same(ctx, 0, i);
      }
    }
    double alpha = ctx.attrFloat("alpha", 0.01f);
    ctx.setOutput(0, t, ctx.inputShape(0));
    return exec -> run(exec, alpha);
  }

  private void run(ExecContext ctx, double alpha) {
    Tensor dy = ctx.input(0);
    Tensor v = ctx.input(1);
    FloatTypes.sameType(ctx, dy, v);
    FloatTypes.sameShape(ctx, dy, v, kind.opType);
    double lo = Double.NEGATIVE_INFINITY;
    double hi = Double.POSITIVE_INFINITY;
    if (kind == Kind.CLIP) {
      lo = bound(ctx, 2, lo);
      hi = bound(ctx, 3, hi);
    }
    Tensor dx = ctx.outputLike(0, dy.dtype(), dy);
    int n = dy.size();
    if (dy.dtype() == DType.FLOAT32) {
      float[] g = dy.floats();
      float[] a = v.floats();
      float[] o = dx.floats();
      int go = dy.offset();
      int ao = v.offset();
      int oo = dx.offset();
      float fa = (float) alpha;
      float flo = (float) lo;
      float fhi = (float) hi;
      switch (kind) {
        case RELU -> {
          if (SIMD) {
            Simd.reluGrad(g, go, a, ao, o, oo, n);
          } else {
            for (int i = 0; i < n; i++) {
              o[oo + i] = a[ao + i] > 0 ? g[go + i] : 0f;
            }
          }
        }
        case LEAKY_RELU -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = a[ao + i] > 0 ? g[go + i] : fa * g[go + i];
          }
        }
        case SIGMOID -> {
          for (int i = 0; i < n; i++) {
            float y = a[ao + i];
            o[oo + i] = g[go + i] * y * (1 - y);
          }
        }
        case TANH -> {
          for (int i = 0; i < n; i++) {
            float y = a[ao + i];
            o[oo + i] = g[go + i] * (1 - y * y);
          }
        }
        case HARD_SWISH -> {
          for (int i = 0; i < n; i++) {
            float x = a[ao + i];
            o[oo + i] = x < -3f ? 0f : x > 3f ? g[go + i] : g[go + i] * (2 * x + 3) / 6f;
          }
        }
        case CLIP -> {
          for (int i = 0; i < n; i++) {
            float x = a[ao + i];
            o[oo + i] = x >= flo && x <= fhi ? g[go + i] : 0f;
          }
        }
      }
    } else {
      double[] g = dy.doubles();
      double[] a = v.doubles();
      double[] o = dx.doubles();
      int go = dy.offset();
      int ao = v.offset();
      int oo = dx.offset();
      switch (kind) {
        case RELU -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = a[ao + i] > 0 ? g[go + i] : 0;
          }
        }
        case LEAKY_RELU -> {
          double da = (float) alpha; // the forward op applies the float attribute
          for (int i = 0; i < n; i++) {
            o[oo + i] = a[ao + i] > 0 ? g[go + i] : da * g[go + i];
          }
        }
        case SIGMOID -> {
          for (int i = 0; i < n; i++) {
            double y = a[ao + i];
            o[oo + i] = g[go + i] * y * (1 - y);
          }
        }
        case TANH -> {
          for (int i = 0; i < n; i++) {
            double y = a[ao + i];
            o[oo + i] = g[go + i] * (1 - y * y);
          }
        }
        case HARD_SWISH -> {
          for (int i = 0; i < n; i++) {
            double x = a[ao + i];
            o[oo + i] = x < -3 ? 0 : x > 3 ? g[go + i] : g[go + i] * (2 * x + 3) / 6;
          }
        }
        case CLIP -> {
          for (int i = 0; i < n; i++) {
            double x = a[ao + i];
            o[oo + i] = x >= lo && x <= hi ? g[go + i] : 0;
          }
        }
      }
    }
  }

  private static double bound(ExecContext ctx, int i, double absent) {
    Tensor b = ctx.input(i);
    if (b == null) {
      return absent;
    }
    if (b.size() != 1) {
      throw ctx.error("bound input " + i + " must be a scalar, got " + b);
    }
    return b.getDouble(0);
  }

  /**
   * Vector API kernels (loaded only when the module is present): a data-dependent branch per
   * element mispredicts about half the time on activations, a masked blend does not.
   */
  private static final class Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** {@code o[i] = a[i] > 0 ? g[i] : 0}. */
    static void reluGrad(float[] g, int go, float[] a, int ao, float[] o, int oo, int n) {
      int i = 0;
      for (int vl = S.loopBound(n); i < vl; i += S.length()) {
        FloatVector av = FloatVector.fromArray(S, a, ao + i);
        FloatVector gv = FloatVector.fromArray(S, g, go + i);
        FloatVector.zero(S).blend(gv, av.compare(VectorOperators.GT, 0f)).intoArray(o, oo + i);
      }
      for (; i < n; i++) {
        o[oo + i] = a[ao + i] > 0 ? g[go + i] : 0f;
      }
    }
  }
}
