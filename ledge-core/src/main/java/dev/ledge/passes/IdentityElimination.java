package dev.ledge.passes;

import dev.ledge.graph.Node;
import java.util.List;

/**
 * Removes Identity nodes: readers of the output read the input instead (or, when the output is a
 * graph output, the input's producer writes it directly). Identities that copy a graph input or a
 * constant straight to a graph output stay: the output must exist under its own name.
 */
public final class IdentityElimination extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node n : List.copyOf(scope.graph().nodes())) {
      if (n.opType().equals("Identity")
          && n.domain().isEmpty()
          && n.inputs().size() == 1
          && n.outputs().size() == 1) {
        changed |= Bypass.tryRemove(scope, n, n.input(0), n.outputs().getFirst());
      }
    }
    return changed;
  }
}
