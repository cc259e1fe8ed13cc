package dev.ledge.ops.math;

import dev.ledge.kernels.VectorElementwise;
import dev.ledge.ops.OpContext;

/**
 * The activation functions whose definition depends on node attributes, built once per node, each
 * with its SIMD float32 kernel. Attributes are float32 in ONNX and are used at that precision
 * (widened exactly to double); the factories taking values serve benchmarks and tests.
 */
final class Activations {
  private Activations() {}

  private static final double SQRT_2 = Math.sqrt(2);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  static UnaryFn elu(OpContext ctx) {
    return elu(ctx.attrFloat("alpha", 1f));
  }

  static UnaryFn elu(float alpha) {
    return UnaryFn.real(x -> x > 0 ? x : alpha * Math.expm1(x))
        .withSimd32(() -> (x, xo, z, zo, n) -> VectorElementwise.elu(x, xo, z, zo, n, alpha));
  }

  static UnaryFn celu(OpContext ctx) {
    return celu(ctx.attrFloat("alpha", 1f));
  }

  static UnaryFn celu(float alpha) {
    return UnaryFn.real(x -> x > 0 ? x : alpha * Math.expm1(x / alpha))
        .withSimd32(() -> (x, xo, z, zo, n) -> VectorElementwise.celu(x, xo, z, zo, n, alpha));
  }

  static UnaryFn selu(OpContext ctx) {
    return selu(
        ctx.attrFloat("alpha", 1.67326319217681884765625f),
        ctx.attrFloat("gamma", 1.05070102214813232421875f));
  }

  static UnaryFn selu(float alpha, float gamma) {
    return UnaryFn.real(x -> x > 0 ? gamma * x : gamma * (alpha * Math.expm1(x)))
        .withSimd32(
            () -> (x, xo, z, zo, n) -> VectorElementwise.selu(x, xo, z, zo, n, alpha, gamma));
  }

  static UnaryFn leakyRelu(OpContext ctx) {
    return leakyRelu(ctx.attrFloat("alpha", 0.01f));
  }

  static UnaryFn leakyRelu(float alpha) {
    return UnaryFn.real(x -> x >= 0 ? x : alpha * x)
        .withSimd32(() -> (x, xo, z, zo, n) -> VectorElementwise.leakyRelu(x, xo, z, zo, n, alpha));
  }

  static UnaryFn thresholdedRelu(OpContext ctx) {
    return thresholdedRelu(ctx.attrFloat("alpha", 1f));
  }

  static UnaryFn thresholdedRelu(float alpha) {
    return UnaryFn.real(x -> x > alpha ? x : 0)
        .withSimd32(
            () -> (x, xo, z, zo, n) -> VectorElementwise.thresholdedRelu(x, xo, z, zo, n, alpha));
  }

  static UnaryFn hardSigmoid(OpContext ctx) {
    return hardSigmoid(ctx.attrFloat("alpha", 0.2f), ctx.attrFloat("beta", 0.5f));
  }

  static UnaryFn hardSigmoid(float alpha, float beta) {
    return UnaryFn.real(x -> Math.max(0, Math.min(1, (double) alpha * x + beta)))
        .withSimd32(
            () -> (x, xo, z, zo, n) -> VectorElementwise.hardSigmoid(x, xo, z, zo, n, alpha, beta));
  }

  /** HardSwish: x * max(0, min(1, x/6 + 1/2)). */
  static double hardSwish(double x) {
    return x * Math.max(0, Math.min(1, x / 6 + 0.5));
  }

  /** Mish: x * tanh(softplus(x)). */
  static double mish(double x) {
    return x * Math.tanh(FloatFunctions.softplus(x));
  }

  static UnaryFn swish(OpContext ctx) {
    return swish(ctx.attrFloat("alpha", 1f));
  }

  static UnaryFn swish(float alpha) {
    return UnaryFn.real(x -> x * FloatFunctions.sigmoid(alpha * x))
        .withSimd32(() -> (x, xo, z, zo, n) -> VectorElementwise.swish(x, xo, z, zo, n, alpha));
  }

  /**
   * SiLU, x sigmoid(x), for float32 as a graph's {@code Mul(x, Sigmoid(x))} computes it: the
   * sigmoid rounded to float, then the product (which differs from rounding x sigmoid(x) once only
   * where the sigmoid is subnormal, x < -87). Its SIMD kernel likewise computes in float lanes.
   */
  static UnaryFn silu() {
    return UnaryFn.real(x -> x * (float) FloatFunctions.sigmoid(x))
        .withSimd32(() -> VectorElementwise::silu);
  }

  /** Gelu with {@code approximate} "none" (the exact erf form) or "tanh". */
  static UnaryFn gelu(OpContext ctx) {
    String approximate = ctx.attrString("approximate", "none");
    return switch (approximate) {
      case "none" -> gelu(false);
      case "tanh" -> gelu(true);
      default ->
          throw ctx.error(
              "attribute 'approximate' must be \"none\" or \"tanh\", got \"" + approximate + "\"");
    };
  }

  static UnaryFn gelu(boolean tanh) {
    if (tanh) {
      // 0.5 x (1 + tanh(u)) written as x sigmoid(2u): the same function, without the cancellation
      // of 1 + tanh(u) for negative u, which loses all digits of a double below x = -6.
      return UnaryFn.real(
              x -> x * FloatFunctions.sigmoid(2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
          .withSimd32(() -> VectorElementwise::geluTanh);
    }
    // 0.5 x (1 + erf(x / sqrt 2)) written with erfc to keep precision for negative x.
    return UnaryFn.real(x -> 0.5 * x * FloatFunctions.erfc(-x / SQRT_2))
        .withSimd32(() -> VectorElementwise::gelu);
  }
}
