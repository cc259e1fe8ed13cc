package dev.ledge.ops.random;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Bernoulli (opset 15, 22): 1 with probability {@code p} (the input element), else 0, in the {@code
 * dtype} type (default: the input's). Each element is {@code u < p} for a fresh uniform {@code u}
 * in [0, 1). Probabilities outside [0, 1] (or NaN) are a run-time error.
 */
final class BernoulliOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType in =
        ctx.opsetVersion() >= 22
            ? ctx.requireInputType(0, DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16)
            : ctx.requireInputType(0, DType.FLOAT16, DType.FLOAT32, DType.FLOAT64);
    DType out;
    if (ctx.hasAttr("dtype")) {
      long code = ctx.attrInt("dtype", 0);
      try {
        out = DType.fromOnnx((int) code);
      } catch (dev.ledge.LedgeException e) {
        throw ctx.error("dtype " + code + " is not an ONNX element type");
      }
      boolean ok =
          out.isNumeric()
              && (!out.isFloatingPoint()
                  || out == DType.FLOAT16
                  || out == DType.FLOAT32
                  || out == DType.FLOAT64
                  || out == DType.BFLOAT16)
              && out.bits() >= 8;
      if (!ok) {
        throw ctx.error("dtype is " + out + ", expected a float, integer or bool type");
      }
    } else {
      if (in == null) {
        throw ctx.unsupported("the output type follows the input's, which is not known");
      }
      out = in;
    }
    ctx.setOutput(0, out, ctx.inputShape(0));
    Long seed = Seeds.seed(ctx);
    DType outType = out;
    return exec -> {
      Tensor p = exec.input(0);
      int n = p.size();
      for (int i = 0; i < n; i++) {
        double v = p.getDouble(i);
        if (!(v >= 0 && v <= 1)) {
          throw exec.error("probability " + v + " at element " + i + " is outside [0, 1]");
        }
      }
      Tensor y = exec.outputLike(0, outType, p);
      RandomGenerator rng = Seeds.generator(seed);
      for (int i = 0; i < n; i++) {
        y.setLong(i, rng.nextDouble() < p.getDouble(i) ? 1 : 0);
      }
    };
  }
}
