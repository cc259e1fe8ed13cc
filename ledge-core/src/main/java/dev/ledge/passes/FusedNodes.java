package dev.ledge.passes;

import dev.ledge.graph.Node;
import java.util.List;

/** Puts one of Ledge's fused nodes in place of the nodes it computes. */
final class FusedNodes {
  private FusedNodes() {}

  /**
   * Replaces {@code first} and {@code rest} by {@code fused}, at the position of the last of them
   * in the node list (where all its inputs exist), and adds the {@code dev.ledge} opset import.
   */
  static void replace(GraphScope scope, Node first, List<Node> rest, Node fused) {
    List<Node> nodes = scope.graph().nodes();
    int at = nodes.indexOf(first);
    for (Node n : rest) {
      at = Math.max(at, nodes.indexOf(n));
    }
    Node last = nodes.get(at);
    nodes.set(at, fused);
    if (last != first) {
      nodes.remove(first);
    }
    for (Node n : rest) {
      if (n != last) {
        nodes.remove(n);
      }
    }
    scope.context().model().opsetImports().putIfAbsent(ConvActivationFusion.DOMAIN, 1L);
    scope.refresh();
  }
}
