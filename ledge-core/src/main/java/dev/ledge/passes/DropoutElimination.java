package dev.ledge.passes;

import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Removes Dropout nodes that run in inference mode, where the output is the input: before opset 7
 * when {@code is_test} is set, always for opsets 7 to 11, and from opset 12 when the {@code
 * training_mode} input is absent or a constant false (the ratio does not matter then). A mask
 * output that something reads becomes an all-true constant (opset 10+, where it is bool, and only
 * for a static shape within the fold size limit); otherwise such a node stays. When the output must
 * keep its name and cannot be forwarded, the node becomes an Identity.
 */
public final class DropoutElimination extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node n : List.copyOf(scope.graph().nodes())) {
      if (n.opType().equals("Dropout") && n.domain().isEmpty() && inference(scope, n)) {
        changed |= eliminate(scope, n);
      }
    }
    return changed;
  }

  private static boolean inference(GraphScope scope, Node n) {
    long v = scope.onnxOpset();
    if (v < 7) {
      return n.attribute("is_test") != null && n.attribute("is_test").asInt() != 0;
    }
    if (v < 12 || n.input(2).isEmpty()) {
      return true;
    }
    Tensor mode = scope.constant(n.input(2));
    return mode != null && mode.dtype() == DType.BOOL && mode.size() == 1 && !mode.getBoolean(0);
  }

  private static boolean eliminate(GraphScope scope, Node n) {
    String x = n.input(0);
    String y = n.outputs().isEmpty() ? "" : n.outputs().getFirst();
    String mask = n.outputs().size() > 1 ? n.outputs().get(1) : "";
    if (x.isEmpty() || n.outputs().size() > 2) {
      return false;
    }
    Tensor ones = null;
    if (!mask.isEmpty() && (!scope.users(mask).isEmpty() || scope.isProtected(mask))) {
      ones = allTrue(scope, x);
      if (ones == null) {
        return false;
      }
    }
    if (ones != null) {
      scope.graph().initializers().put(mask, ones);
    }
    if (y.isEmpty()) {
      scope.remove(n);
    } else if (!Bypass.tryRemove(scope, n, x, y)) {
      // The output keeps its name and its input cannot be renamed: an Identity is still cheaper.
      int at = scope.graph().nodes().indexOf(n);
      scope
          .graph()
          .nodes()
          .set(at, new Node(n.name(), "Identity", "", List.of(x), List.of(y), Map.of()));
      scope.refresh();
    }
    return true;
  }

  /** The all-true mask for {@code x}, or null if it cannot be made here. */
  private static Tensor allTrue(GraphScope scope, String x) {
    if (scope.onnxOpset() < 10) {
      return null;
    }
    int[] shape = scope.staticShape(x);
    if (shape == null) {
      return null;
    }
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size > scope.context().maxFoldBytes()) {
      return null;
    }
    Tensor t = Tensor.allocate(DType.BOOL, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setBoolean(i, true);
    }
    return t;
  }
}
