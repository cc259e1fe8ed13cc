package dev.ledge.passes;

import dev.ledge.graph.Node;
import java.util.List;

/** Removes a node whose output equals one of its inputs by forwarding the input to its readers. */
final class Bypass {
  private Bypass() {}

  /**
   * Removes {@code node}, whose output {@code out} has the same value as {@code in}. If {@code out}
   * may be renamed, its readers read {@code in} instead; if it must keep its name (a graph output
   * or read by a subgraph) and {@code in} is an internal value of this graph, the producer of
   * {@code in} writes {@code out} directly. Returns false (and changes nothing) if neither is
   * possible.
   */
  static boolean tryRemove(GraphScope scope, Node node, String in, String out) {
    if (in.isEmpty() || out.isEmpty() || in.equals(out)) {
      return false;
    }
    if (!scope.isProtected(out)) {
      scope.remove(node);
      scope.replaceUses(out, in);
      return true;
    }
    Node p = scope.producer(in);
    if (p == null || p == node || scope.isProtected(in) || scope.isGraphInput(in)) {
      return false;
    }
    scope.remove(node);
    List<String> outs = p.outputs();
    outs.set(outs.indexOf(in), out);
    scope.replaceUses(in, out);
    return true;
  }
}
