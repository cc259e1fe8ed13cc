package dev.ledge.ops.math;

import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.tensor.DType;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * An activation that Ledge's fused operators ({@code dev.ledge.FusedConv}, {@code
 * dev.ledge.FusedGemm}) apply to their output, as named by their {@code activation} attribute, with
 * its parameters in {@code activation_params}:
 *
 * <ul>
 *   <li>{@code Relu}, {@code HardSwish}, {@code Sigmoid}, {@code Tanh}: no parameters;
 *   <li>{@code Clip}: [min, max], min <= max (infinite for a missing bound);
 *   <li>{@code LeakyRelu}: [alpha];
 *   <li>{@code HardSigmoid}: [alpha, beta];
 *   <li>{@code SiLU}: x * Sigmoid(x), no parameters.
 * </ul>
 *
 * <p>The kernels are those of the standalone operators: the SIMD float32 kernel when the caller
 * uses SIMD kernels, else the reference function computed in double and rounded once. A fused node
 * thus computes what the convolution or GEMM followed by the activation node computes (SiLU's
 * reference rounds the sigmoid to float32 before multiplying, as {@code Mul(x, Sigmoid(x))} does).
 */
public final class FusedActivation {
  /** The supported activation names. */
  public static final List<String> NAMES =
      List.of("Relu", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Sigmoid", "Tanh", "SiLU");

  private final String name;
  private final float[] params;
  private final UnaryFn fn;

  /** The function for float64 and 16-bit floats (SiLU's without the float32 rounding). */
  private final DoubleUnaryOperator real;

  private FusedActivation(String name, float[] params, UnaryFn fn, DoubleUnaryOperator real) {
    this.name = name;
    this.params = params;
    this.fn = fn;
    this.real = real;
  }

  /**
   * The activation {@code name} with {@code params}.
   *
   * @throws IllegalArgumentException if the name is not one of {@link #NAMES} or the parameters do
   *     not fit it
   */
  public static FusedActivation of(String name, float[] params) {
    float[] p = params.clone();
    UnaryFn fn =
        switch (name) {
          case "Relu" -> {
            count(name, p, 0, "[]");
            yield UnaryFunctions.RELU;
          }
          case "Clip" -> {
            count(name, p, 2, "[min, max]");
            float lo = p[0];
            float hi = p[1];
            if (!(lo <= hi)) {
              throw new IllegalArgumentException(
                  "Clip needs min <= max, got " + Arrays.toString(p));
            }
            yield ClipOp.bounded(lo, hi);
          }
          case "LeakyRelu" -> {
            count(name, p, 1, "[alpha]");
            yield Activations.leakyRelu(p[0]);
          }
          case "HardSigmoid" -> {
            count(name, p, 2, "[alpha, beta]");
            yield Activations.hardSigmoid(p[0], p[1]);
          }
          case "HardSwish", "Sigmoid", "Tanh", "SiLU" -> {
            count(name, p, 0, "[]");
            yield Float32Kernels.unaryFn(name);
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown activation '" + name + "', expected one of " + NAMES);
        };
    DoubleUnaryOperator real = name.equals("SiLU") ? x -> x * FloatFunctions.sigmoid(x) : fn.real();
    return new FusedActivation(name, p, fn, real);
  }

  private static void count(String name, float[] p, int n, String form) {
    if (p.length != n) {
      throw new IllegalArgumentException(
          name + " needs activation_params " + form + ", got " + Arrays.toString(p));
    }
  }

  public String name() {
    return name;
  }

  public float[] params() {
    return params.clone();
  }

  /**
   * The float32 kernel, which may work in place ({@code z == x} at the same offset): the SIMD
   * kernel if {@code simd}, else the reference.
   */
  public FloatUnaryKernel float32(boolean simd) {
    if (simd) {
      return fn.simd32().get();
    }
    return (x, xo, z, zo, n) -> ElementLoops.unary(fn, DType.FLOAT32, x, xo, 1, z, zo, n);
  }

  /** The activation of one value, for float64 and 16-bit float outputs (computed in double). */
  public double apply(double x) {
    return real.applyAsDouble(x);
  }

  @Override
  public String toString() {
    return params.length == 0 ? name : name + Arrays.toString(params);
  }
}
