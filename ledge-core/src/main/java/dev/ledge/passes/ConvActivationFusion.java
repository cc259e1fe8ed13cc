package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses a Conv with what follows it into Ledge's {@code dev.ledge.FusedConv}: a residual Add (or
 * two-input Sum) of a tensor with exactly Y's static shape, then a Relu or a Clip with constant
 * bounds — each part optional, at least one present. The fused kernel initialises Y with the bias
 * plus the residual and clamps each tile as it finishes, so Y is written once instead of up to
 * three times. The result is the same function: the add and the clamp are done in float32 as the
 * separate ops do them.
 *
 * <p>Applies only when each intermediate value has the next node as its only reader and is not a
 * graph output or read by a subgraph. Adds the {@code dev.ledge} opset import to the model.
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
    Node next = single(scope, y);
    if (next == null) {
      return false;
    }
    List<Node> removed = new ArrayList<>();
    String residual = null;
    String out = y;
    if (isResidualAdd(next)) {
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
      next = single(scope, out);
    }
    float[] bounds = next == null ? null : bounds(scope, next);
    String activation = null;
    if (bounds != null) {
      activation = next.opType();
      removed.add(next);
      out = next.outputs().getFirst();
    }
    if (removed.isEmpty()) {
      return false;
    }
    Map<String, Attribute> attrs = new LinkedHashMap<>(conv.attributes());
    if (activation != null) {
      attrs.put("activation", Attribute.of("activation", activation));
      if (activation.equals("Clip")) {
        attrs.put("activation_params", Attribute.of("activation_params", bounds));
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
    List<Node> nodes = scope.graph().nodes();
    // The fused node takes the place of the last node it replaces: all its inputs exist there.
    nodes.set(nodes.indexOf(removed.getLast()), fused);
    nodes.remove(conv);
    for (Node n : removed.subList(0, removed.size() - 1)) {
      nodes.remove(n);
    }
    scope.context().model().opsetImports().putIfAbsent(DOMAIN, 1L);
    scope.refresh();
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

  /** [lo, hi] for a Relu or a Clip with constant bounds, else null. */
  private static float[] bounds(GraphScope scope, Node n) {
    if (n.opType().equals("Relu") && n.inputs().size() == 1 && n.attributes().isEmpty()) {
      return new float[] {0f, Float.POSITIVE_INFINITY};
    }
    if (!n.opType().equals("Clip")) {
      return null;
    }
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    if (scope.onnxOpset() < 11) {
      Attribute min = n.attribute("min");
      Attribute max = n.attribute("max");
      if (min != null) {
        lo = min.asFloat();
      }
      if (max != null) {
        hi = max.asFloat();
      }
    } else {
      for (int i = 1; i <= 2; i++) {
        String name = n.input(i);
        if (name.isEmpty()) {
          continue;
        }
        Tensor t = scope.constant(name);
        if (t == null || t.size() != 1 || !t.dtype().isFloatingPoint()) {
          return null;
        }
        if (i == 1) {
          lo = t.getFloat(0);
        } else {
          hi = t.getFloat(0);
        }
      }
    }
    return lo <= hi ? new float[] {lo, hi} : null;
  }
}
