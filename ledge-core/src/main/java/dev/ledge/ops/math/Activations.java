package dev.ledge.ops.math;

import dev.ledge.ops.OpContext;
import java.util.function.DoubleUnaryOperator;

/**
 * The activation functions whose definition depends on node attributes, built once per node.
 * Attributes are float32 in ONNX and are used at that precision (widened exactly to double).
 */
final class Activations {
  private Activations() {}

  private static final double SQRT_2 = Math.sqrt(2);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  static DoubleUnaryOperator elu(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 1f);
    return x -> x > 0 ? x : alpha * Math.expm1(x);
  }

  static DoubleUnaryOperator celu(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 1f);
    return x -> x > 0 ? x : alpha * Math.expm1(x / alpha);
  }

  static DoubleUnaryOperator selu(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 1.67326319217681884765625f);
    double gamma = ctx.attrFloat("gamma", 1.05070102214813232421875f);
    return x -> x > 0 ? gamma * x : gamma * (alpha * Math.expm1(x));
  }

  static DoubleUnaryOperator leakyRelu(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 0.01f);
    return x -> x >= 0 ? x : alpha * x;
  }

  static DoubleUnaryOperator thresholdedRelu(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 1f);
    return x -> x > alpha ? x : 0;
  }

  static DoubleUnaryOperator hardSigmoid(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 0.2f);
    double beta = ctx.attrFloat("beta", 0.5f);
    return x -> Math.max(0, Math.min(1, alpha * x + beta));
  }

  /** HardSwish: x * max(0, min(1, x/6 + 1/2)). */
  static double hardSwish(double x) {
    return x * Math.max(0, Math.min(1, x / 6 + 0.5));
  }

  /** Mish: x * tanh(softplus(x)). */
  static double mish(double x) {
    return x * Math.tanh(FloatFunctions.softplus(x));
  }

  static DoubleUnaryOperator swish(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 1f);
    return x -> x * FloatFunctions.sigmoid(alpha * x);
  }

  /** Gelu with {@code approximate} "none" (the exact erf form) or "tanh". */
  static DoubleUnaryOperator gelu(OpContext ctx) {
    String approximate = ctx.attrString("approximate", "none");
    return switch (approximate) {
      // 0.5 x (1 + erf(x / sqrt 2)) written with erfc to keep precision for negative x.
      case "none" -> x -> 0.5 * x * FloatFunctions.erfc(-x / SQRT_2);
      case "tanh" -> x -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
      default ->
          throw ctx.error(
              "attribute 'approximate' must be \"none\" or \"tanh\", got \"" + approximate + "\"");
    };
  }
}
