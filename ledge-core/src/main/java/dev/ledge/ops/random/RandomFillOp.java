package dev.ledge.ops.random;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * RandomUniform, RandomNormal, RandomUniformLike and RandomNormalLike: a tensor of independent
 * samples from U[low, high) or N(mean, scale^2). The plain forms take the shape from the {@code
 * shape} attribute, the {@code *Like} forms from their input (whose type is also the default output
 * type). Samples are drawn in double and rounded to the output type; uniform samples that round up
 * to {@code high} are drawn again, so the interval stays half-open.
 */
final class RandomFillOp implements Operator {
  /** The sampled distribution. */
  enum Distribution {
    UNIFORM,
    NORMAL
  }

  private final Distribution distribution;
  private final boolean like;

  RandomFillOp(Distribution distribution, boolean like) {
    this.distribution = distribution;
    this.like = like;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    DType dtype;
    int[] fixedShape = null;
    if (like) {
      ctx.requireInputCount(1, 1);
      DType in = ctx.requireInputType(0);
      if (ctx.hasAttr("dtype")) {
        dtype = dtypeAttr(ctx);
      } else {
        if (in == null) {
          throw ctx.unsupported("the output type follows the input's, which is not known");
        }
        dtype = in;
        checkOutputType(ctx, dtype, "the input's type");
      }
      ctx.setOutput(0, dtype, ctx.inputShape(0));
    } else {
      ctx.requireInputCount(0, 0);
      dtype = ctx.hasAttr("dtype") ? dtypeAttr(ctx) : DType.FLOAT32;
      long[] shape = ctx.attrInts("shape", null);
      if (shape == null) {
        throw ctx.error("missing required attribute 'shape'");
      }
      try {
        fixedShape = Shapes.toInts(shape);
      } catch (dev.ledge.LedgeException e) {
        throw ctx.error("attribute 'shape': " + e.getMessage());
      }
      ctx.setOutput(0, dtype, Shape.of(fixedShape));
    }
    double a;
    double b;
    if (distribution == Distribution.UNIFORM) {
      a = ctx.attrFloat("low", 0f);
      b = ctx.attrFloat("high", 1f);
      if (!(a <= b) || Double.isInfinite(a) || Double.isInfinite(b)) {
        throw ctx.error("low " + a + " and high " + b + " must be finite with low <= high");
      }
    } else {
      a = ctx.attrFloat("mean", 0f);
      b = ctx.attrFloat("scale", 1f);
      if (!Double.isFinite(a) || !Double.isFinite(b)) {
        throw ctx.error("mean " + a + " and scale " + b + " must be finite");
      }
    }
    Long seed = Seeds.seed(ctx);
    int[] shape0 = fixedShape;
    DType outType = dtype;
    return exec -> {
      int[] shape = shape0 != null ? shape0 : exec.input(0).shape();
      Tensor y = exec.output(0, outType, shape);
      RandomGenerator rng = Seeds.generator(seed);
      int n = y.size();
      for (int i = 0; i < n; i++) {
        if (distribution == Distribution.NORMAL) {
          y.setDouble(i, a + b * rng.nextGaussian());
          continue;
        }
        while (true) {
          y.setDouble(i, a + (b - a) * rng.nextDouble());
          if (a == b || y.getDouble(i) < b) {
            break;
          }
        }
      }
    };
  }

  private static DType dtypeAttr(OpContext ctx) {
    long code = ctx.attrInt("dtype", 1);
    DType t;
    try {
      t = DType.fromOnnx((int) code);
    } catch (dev.ledge.LedgeException e) {
      throw ctx.error("dtype " + code + " is not an ONNX element type");
    }
    checkOutputType(ctx, t, "dtype");
    return t;
  }

  private static void checkOutputType(OpContext ctx, DType t, String what) {
    boolean ok =
        t == DType.FLOAT32
            || t == DType.FLOAT64
            || t == DType.FLOAT16
            || (t == DType.BFLOAT16 && ctx.opsetVersion() >= 22);
    if (!ok) {
      throw ctx.error(
          what
              + " is "
              + t
              + ", expected float16, float32 or float64"
              + (ctx.opsetVersion() >= 22 ? " or bfloat16" : ""));
    }
  }
}
