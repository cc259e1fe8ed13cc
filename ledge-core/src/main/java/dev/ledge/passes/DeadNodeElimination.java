package dev.ledge.passes;

import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes nodes none of whose outputs is a graph output or read by a live node (subgraph reads
 * count as reads), then initializers nothing reads (unless they are graph inputs: those are
 * defaults a caller may override; before IR version 4, where every initializer had to be listed as
 * an input, unread ones go from the inputs too) and value_info entries of names that no longer
 * exist.
 */
public final class DeadNodeElimination extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    Graph g = scope.graph();
    List<Node> order = Graphs.topologicalOrder(g);
    if (order == null) {
      return false;
    }
    Set<String> needed = new HashSet<>();
    for (ValueInfo v : g.outputs()) {
      needed.add(v.name());
    }
    Set<Node> dead = new HashSet<>();
    for (Node n : order.reversed()) {
      boolean live = false;
      for (String out : n.outputs()) {
        if (!out.isEmpty() && needed.contains(out)) {
          live = true;
          break;
        }
      }
      if (live) {
        needed.addAll(n.inputs());
        needed.addAll(Graphs.subgraphReads(n));
      } else {
        dead.add(n);
      }
    }
    boolean changed = !dead.isEmpty();
    g.nodes().removeIf(dead::contains);

    if (!scope.context().model().initializersOverridable()) {
      // IR < 4: initializers had to be listed as inputs; the listing is no interface to keep.
      changed |=
          g.inputs()
              .removeIf(v -> !needed.contains(v.name()) && g.initializers().containsKey(v.name()));
    }
    Set<String> inputs = new HashSet<>();
    for (ValueInfo v : g.inputs()) {
      inputs.add(v.name());
    }
    changed |=
        g.initializers()
            .keySet()
            .removeIf(name -> !needed.contains(name) && !inputs.contains(name));

    Set<String> exists = new HashSet<>(inputs);
    exists.addAll(g.initializers().keySet());
    for (Node n : g.nodes()) {
      exists.addAll(n.outputs());
    }
    changed |= g.valueInfo().keySet().removeIf(name -> !exists.contains(name));
    if (changed) {
      scope.refresh();
    }
    return changed;
  }
}
