package dev.ledge.ops.math;

import dev.ledge.kernels.FloatBinaryKernel;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.VectorElementwise;
import dev.ledge.tensor.DType;
import java.util.List;

/**
 * The float32 kernels of the elementwise math operators by name, with default attributes: the
 * scalar reference kernel (what {@code -Dledge.kernels=scalar} runs) and the SIMD kernel. For
 * benchmarks and tests, which compare the two; operators pick theirs once in {@code prepare}.
 */
public final class Float32Kernels {
  private Float32Kernels() {}

  /**
   * Unary kernels by name ("Clip" clips to [-1, 1], "GeluTanh" is Gelu's tanh form, "SiLU" is Swish
   * with alpha 1 whose SIMD kernel computes in float, as Sigmoid then Mul would).
   */
  public static final List<String> UNARY =
      List.of(
          "Abs",
          "Neg",
          "Sqrt",
          "Reciprocal",
          "Relu",
          "LeakyRelu",
          "ThresholdedRelu",
          "Clip",
          "HardSigmoid",
          "HardSwish",
          "Softsign",
          "Exp",
          "Log",
          "Tanh",
          "Sigmoid",
          "Softplus",
          "Elu",
          "Celu",
          "Selu",
          "Erf",
          "Gelu",
          "GeluTanh",
          "Swish",
          "SiLU");

  /** Binary kernels by name. */
  public static final List<String> BINARY =
      List.of("Add", "Sub", "Mul", "Div", "Max", "Min", "PRelu");

  /** The unary kernel {@code op}: the SIMD one if {@code simd}, else the scalar reference. */
  public static FloatUnaryKernel unary(String op, boolean simd) {
    UnaryFn fn = unaryFn(op);
    if (simd) {
      return fn.simd32().get();
    }
    return (x, xo, z, zo, n) -> ElementLoops.unary(fn, DType.FLOAT32, x, xo, 1, z, zo, n);
  }

  /** The binary kernel {@code op}: the SIMD one if {@code simd}, else the scalar reference. */
  public static FloatBinaryKernel binary(String op, boolean simd) {
    BinaryFn fn = binaryFn(op);
    if (simd) {
      return fn.simd32().get();
    }
    return (a, ao, as, b, bo, bs, z, zo, n) ->
        ElementLoops.binary(fn, DType.FLOAT32, a, ao, as, b, bo, bs, z, zo, n);
  }

  /** Where on float32: the SIMD kernel if {@code simd}, else the scalar loop. */
  public static void where(
      boolean simd,
      byte[] c,
      int ci,
      int cs,
      float[] a,
      int ai,
      int as,
      float[] b,
      int bi,
      int bs,
      float[] z,
      int zi,
      int n) {
    if (simd) {
      VectorElementwise.where(c, ci, cs, a, ai, as, b, bi, bs, z, zi, n);
      return;
    }
    for (int k = 0; k < n; k++, ci += cs, ai += as, bi += bs) {
      z[zi + k] = c[ci] != 0 ? a[ai] : b[bi];
    }
  }

  static UnaryFn unaryFn(String op) {
    return switch (op) {
      case "Abs" -> UnaryFunctions.ABS;
      case "Neg" -> UnaryFunctions.NEG;
      case "Sqrt" -> UnaryFn.real(Math::sqrt).withSimd32(() -> VectorElementwise::sqrt);
      case "Reciprocal" -> UnaryFn.real(x -> 1 / x).withSimd32(() -> VectorElementwise::reciprocal);
      case "Relu" -> UnaryFunctions.RELU;
      case "LeakyRelu" -> Activations.leakyRelu(0.01f);
      case "ThresholdedRelu" -> Activations.thresholdedRelu(1f);
      case "Clip" ->
          UnaryFn.real(x -> Math.min(Math.max(x, -1), 1))
              .withSimd32(
                  () -> (x, xo, z, zo, n) -> VectorElementwise.clip(x, xo, z, zo, n, -1, 1));
      case "HardSigmoid" -> Activations.hardSigmoid(0.2f, 0.5f);
      case "HardSwish" ->
          UnaryFn.real(Activations::hardSwish).withSimd32(() -> VectorElementwise::hardSwish);
      case "Softsign" ->
          UnaryFn.real(x -> x / (1 + Math.abs(x))).withSimd32(() -> VectorElementwise::softsign);
      case "Exp" -> UnaryFn.real(Math::exp).withSimd32(() -> VectorElementwise::exp);
      case "Log" -> UnaryFn.real(Math::log).withSimd32(() -> VectorElementwise::log);
      case "Tanh" -> UnaryFn.real(Math::tanh).withSimd32(() -> VectorElementwise::tanh);
      case "Sigmoid" ->
          UnaryFn.real(FloatFunctions::sigmoid).withSimd32(() -> VectorElementwise::sigmoid);
      case "Softplus" ->
          UnaryFn.real(FloatFunctions::softplus).withSimd32(() -> VectorElementwise::softplus);
      case "Elu" -> Activations.elu(1f);
      case "Celu" -> Activations.celu(1f);
      case "Selu" -> Activations.selu(1.67326319217681884765625f, 1.05070102214813232421875f);
      case "Erf" -> UnaryFunctions.ERF;
      case "Gelu" -> Activations.gelu(false);
      case "GeluTanh" -> Activations.gelu(true);
      case "Swish" -> Activations.swish(1f);
      case "SiLU" -> Activations.silu();
      default -> throw new IllegalArgumentException("no float32 unary kernel " + op);
    };
  }

  static BinaryFn binaryFn(String op) {
    return switch (op) {
      case "Add" -> BinaryFunctions.ADD;
      case "Sub" -> BinaryFunctions.SUB;
      case "Mul" -> BinaryFunctions.MUL;
      case "Div" -> BinaryFunctions.DIV;
      case "Max" -> BinaryFunctions.MAX;
      case "Min" -> BinaryFunctions.MIN;
      case "PRelu" -> BinaryFunctions.PRELU;
      default -> throw new IllegalArgumentException("no float32 binary kernel " + op);
    };
  }
}
