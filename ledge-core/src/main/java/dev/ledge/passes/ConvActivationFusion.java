package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses a Conv with what follows it into Ledge's {@code dev.ledge.FusedConv}: a residual Add (or
 * two-input Sum) of a tensor with exactly Y's static shape, then an activation — each part
 * optional, at least one present. The activations: Relu, Clip with constant bounds, LeakyRelu,
 * HardSigmoid, HardSwish, Sigmoid, Tanh, and SiLU written as {@code Mul(y, Sigmoid(y))} (either
 * operand order). The fused kernel initialises Y with the bias plus the residual and applies the
 * activation to each output tile as it finishes, while it is in cache, so Y is written once instead
 * of up to four times. The activation is computed by the standalone operator's kernel; the residual
 * is added before the products rather than after, which may change float rounding.
 *
 * <p>Applies only when each intermediate value has the next node as its only reader (the Sigmoid
 * and the Mul for SiLU) and is not a graph output or read by a subgraph. Adds the {@code dev.ledge}
 * opset import to the model.
 */
public final class ConvActivationFusion extends GraphRewrite {
  /** Ledge's operator domain and the version of its fused ops. */
  public static final String DOMAIN = "dev.ledge";

  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node conv : List.copyOf(scope.graph().nodes())) {
      if (conv.opType().equals("Conv")
          && conv.domain().isEmpty()
          && conv.outputs().size() == 1
          && conv.inputs().size() >= 2
          && conv.inputs().size() <= 3
          && scope.graph().nodes().contains(conv)) {
        changed |= fuse(scope, conv);
      }
    }
    return changed;
  }

  private static boolean fuse(GraphScope scope, Node conv) {
    String y = conv.outputs().getFirst();
    List<Node> removed = new ArrayList<>();
    String residual = null;
    String out = y;
    Node next = single(scope, y);
    if (next != null && isResidualAdd(next)) {
      String other = next.input(0).equals(y) ? next.input(1) : next.input(0);
      int[] ys = scope.staticShape(y);
      int[] zs = scope.staticShape(other);
      if (other.equals(y)
          || ys == null
          || zs == null
          || !Arrays.equals(ys, zs)
          || scope.dtype(other) != scope.dtype(y)
          || scope.dtype(y) == null) {
        return false;
      }
      residual = other;
      removed.add(next);
      out = next.outputs().getFirst();
    }
    FusibleActivation activation = FusibleActivation.match(scope, out);
    if (activation != null) {
      removed.addAll(activation.nodes());
      out = activation.output();
    }
    if (removed.isEmpty()) {
      return false;
    }
    Map<String, Attribute> attrs = new LinkedHashMap<>(conv.attributes());
    if (activation != null) {
      attrs.put("activation", Attribute.of("activation", activation.name()));
      if (activation.params().length > 0) {
        attrs.put("activation_params", Attribute.of("activation_params", activation.params()));
      }
    }
    List<String> inputs = new ArrayList<>(conv.inputs());
    if (residual != null) {
      while (inputs.size() < 3) {
        inputs.add("");
      }
      inputs.add(residual);
    }
    Node fused = new Node(conv.name(), "FusedConv", DOMAIN, inputs, List.of(out), attrs);
    FusedNodes.replace(scope, conv, removed, fused);
    return true;
  }

  /** The only reader of {@code name}, if the value may disappear into a fused node. */
  private static Node single(GraphScope scope, String name) {
    List<Node> users = scope.users(name);
    if (users.size() != 1 || scope.isProtected(name)) {
      return null;
    }
    Node u = users.getFirst();
    return u.domain().isEmpty() && u.outputs().size() == 1 ? u : null;
  }

  private static boolean isResidualAdd(Node n) {
    return (n.opType().equals("Add") || n.opType().equals("Sum"))
        && n.inputs().size() == 2
        && !n.input(0).isEmpty()
        && !n.input(1).isEmpty()
        && n.attributes().isEmpty();
  }
}
