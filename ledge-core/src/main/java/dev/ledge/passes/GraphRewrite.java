package dev.ledge.passes;

import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import java.util.List;

/**
 * A pass that rewrites each graph of a model on its own: the main graph first, then the subgraphs
 * of its nodes (If branches, Loop and Scan bodies), recursively. Each graph is seen through a
 * {@link GraphScope} that knows its enclosing scopes.
 */
public abstract class GraphRewrite implements GraphPass {
  @Override
  public String name() {
    return getClass().getSimpleName();
  }

  @Override
  public final boolean apply(PassContext context) {
    return walk(context, context.model().graph(), null);
  }

  private boolean walk(PassContext context, Graph graph, GraphScope parent) {
    GraphScope scope = new GraphScope(context, graph, parent);
    boolean changed = rewrite(scope);
    scope.refresh();
    for (Node n : List.copyOf(graph.nodes())) {
      for (Graph sub : Graphs.subgraphs(n)) {
        changed |= walk(context, sub, scope);
      }
    }
    return changed;
  }

  /** Rewrites one graph in place; true if anything changed. */
  protected abstract boolean rewrite(GraphScope scope);
}
