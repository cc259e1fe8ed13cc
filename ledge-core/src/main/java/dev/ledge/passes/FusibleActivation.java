package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Finds an activation that a fused Conv or Gemm can apply to its output (see {@code
 * dev.ledge.ops.math.FusedActivation}): the node reading a value, or for SiLU the two nodes
 * computing {@code Mul(v, Sigmoid(v))} (either operand order).
 *
 * @param name the fused op's {@code activation} attribute
 * @param params its {@code activation_params}
 * @param nodes the nodes the fused op replaces, the one writing {@code output} last
 * @param output the activation's result
 */
record FusibleActivation(String name, float[] params, List<Node> nodes, String output) {
  private static final Set<DType> FLOATS =
      Set.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16);

  /**
   * The activation computed from {@code value}, or null: {@code value} must not be protected, must
   * be read only by the activation's nodes and, if its type is known, be floating-point; for SiLU
   * the sigmoid must be read only by the Mul and not be protected.
   */
  static FusibleActivation match(GraphScope scope, String value) {
    DType t = scope.dtype(value);
    if ((t != null && !FLOATS.contains(t)) || scope.isProtected(value)) {
      return null;
    }
    List<Node> users = scope.users(value);
    if (users.size() == 1) {
      Node n = users.getFirst();
      if (!standard(n, 1) || !n.input(0).equals(value)) {
        return null;
      }
      float[] params = params(scope, n, t);
      return params == null
          ? null
          : new FusibleActivation(n.opType(), params, List.of(n), n.outputs().getFirst());
    }
    if (users.size() == 2) {
      return silu(scope, value, users);
    }
    return null;
  }

  /** Mul(v, Sigmoid(v)) or Mul(Sigmoid(v), v), with the sigmoid read by the Mul alone. */
  private static FusibleActivation silu(GraphScope scope, String value, List<Node> users) {
    for (int i = 0; i < 2; i++) {
      Node sigmoid = users.get(i);
      Node mul = users.get(1 - i);
      if (!sigmoid.opType().equals("Sigmoid")
          || !standard(sigmoid, 1)
          || !mul.opType().equals("Mul")
          || !standard(mul, 2)) {
        continue;
      }
      String s = sigmoid.outputs().getFirst();
      boolean operands =
          (mul.input(0).equals(value) && mul.input(1).equals(s))
              || (mul.input(0).equals(s) && mul.input(1).equals(value));
      if (operands && scope.onlyUsedBy(s, mul)) {
        return new FusibleActivation(
            "SiLU", new float[0], List.of(sigmoid, mul), mul.outputs().getFirst());
      }
    }
    return null;
  }

  /** An ai.onnx node with {@code inputs} non-empty inputs (Clip: the first) and one output. */
  private static boolean standard(Node n, int inputs) {
    if (!n.domain().isEmpty() || n.outputs().size() != 1 || n.inputs().isEmpty()) {
      return false;
    }
    if (n.opType().equals("Clip")) {
      return n.inputs().size() <= 3 && !n.input(0).isEmpty();
    }
    return n.inputs().size() == inputs && !n.inputs().contains("");
  }

  /** The activation_params of a unary activation node, or null if it is not one we fuse. */
  private static float[] params(GraphScope scope, Node n, DType t) {
    return switch (n.opType()) {
      case "Relu", "HardSwish", "Sigmoid", "Tanh" -> new float[0];
      case "LeakyRelu" -> new float[] {floatAttr(n, "alpha", 0.01f)};
      case "HardSigmoid" -> new float[] {floatAttr(n, "alpha", 0.2f), floatAttr(n, "beta", 0.5f)};
      case "Clip" -> clipBounds(scope, n, t);
      default -> null;
    };
  }

  private static float floatAttr(Node n, String name, float fallback) {
    Attribute a = n.attribute(name);
    return a == null ? fallback : a.asFloat();
  }

  /**
   * [min, max] of a Clip with constant bounds, as ClipOp reads them: attributes before opset 11
   * (absent: unbounded before opset 6, ±FLT_MAX from 6), else scalar constant inputs (absent:
   * unbounded), which must be exact in float32. Null if a bound is not constant or min > max (Clip
   * then gives max everywhere, which the fused op does not do).
   */
  private static float[] clipBounds(GraphScope scope, Node n, DType t) {
    float lo;
    float hi;
    if (scope.onnxOpset() < 11) {
      if (n.inputs().size() != 1) {
        return null;
      }
      float unbounded = scope.onnxOpset() < 6 ? Float.POSITIVE_INFINITY : Float.MAX_VALUE;
      lo = floatAttr(n, "min", -unbounded);
      hi = floatAttr(n, "max", unbounded);
    } else {
      Float min = bound(scope, n, 1, t, Float.NEGATIVE_INFINITY);
      Float max = bound(scope, n, 2, t, Float.POSITIVE_INFINITY);
      if (min == null || max == null) {
        return null;
      }
      lo = min;
      hi = max;
    }
    return lo <= hi ? new float[] {lo, hi} : null;
  }

  /** Clip input {@code i} as a float, {@code absent} if omitted, null if it cannot be fused. */
  private static Float bound(GraphScope scope, Node n, int i, DType t, float absent) {
    if (n.inputs().size() <= i || n.input(i).isEmpty()) {
      return absent;
    }
    Tensor c = scope.constant(n.input(i));
    if (c == null
        || c.size() != 1
        || !FLOATS.contains(c.dtype())
        || (t != null && c.dtype() != t)) {
      return null;
    }
    float f = c.getFloat(0);
    return (double) f == c.getDouble(0) ? f : null; // NaN and inexact float64 bounds stay unfused
  }
}
