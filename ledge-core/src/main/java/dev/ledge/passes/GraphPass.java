package dev.ledge.passes;

import dev.ledge.graph.ModelDef;

/**
 * One graph rewrite. A pass changes the model it is given in place and says whether it changed
 * anything, which is all a fixed-point driver needs; {@link GraphOptimizer} gives passes a private
 * deep copy, so nobody else's IR is touched and no pass pays for copying initializers.
 *
 * <p>Every pass preserves the value of every name it leaves in the graph (so types inferred before
 * a pass stay true after it), never removes or renames graph inputs, graph outputs or values that
 * subgraphs read from an enclosing scope, and never writes into a tensor of the model it was given
 * (tensors are shared between copies of the IR): new values get new tensors and, where a name would
 * change meaning, a fresh name. The one exception is a tensor the same optimization run created
 * ({@code PassContext.created}) once nothing reads it under its old name any more.
 */
public interface GraphPass {
  /** A short name for reports, e.g. {@code "ConstantFolding"}. */
  String name();

  /** Rewrites the model in place (main graph and subgraphs); true if anything changed. */
  default boolean apply(ModelDef model) {
    return apply(new PassContext(model));
  }

  /** Rewrites {@code context.model()} in place, sharing the context's caches with other passes. */
  boolean apply(PassContext context);
}
