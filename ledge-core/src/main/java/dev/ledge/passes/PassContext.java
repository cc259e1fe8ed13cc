package dev.ledge.passes;

import dev.ledge.LedgeException;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Model;
import dev.ledge.tensor.Tensor;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the passes of one optimization run share: the model being rewritten, the main graph's
 * inferred types (computed on demand, dropped when the graph changes), a generator of fresh value
 * names, and limits.
 */
public final class PassContext {
  /** Default bound on the size of one value produced by folding: larger ones stay computed. */
  public static final long DEFAULT_MAX_FOLD_BYTES = 64L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(PassContext.class);

  private final ModelDef model;
  private final long maxFoldBytes;
  private Map<String, ValueType> types;
  private Set<String> names;

  /** Tensors this optimization run created: no copy of the IR outside it can hold them. */
  private final Set<Tensor> created = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  public PassContext(ModelDef model) {
    this(model, DEFAULT_MAX_FOLD_BYTES);
  }

  /**
   * @param model the model to rewrite in place
   * @param maxFoldBytes largest value (in bytes) a pass may materialize as a new initializer
   */
  public PassContext(ModelDef model, long maxFoldBytes) {
    this.model = model;
    this.maxFoldBytes = maxFoldBytes;
  }

  public ModelDef model() {
    return model;
  }

  public long maxFoldBytes() {
    return maxFoldBytes;
  }

  /** The imported version of a domain ("" is ai.onnx), or -1. */
  public long opsetVersion(String domain) {
    return model.opsetVersion(domain);
  }

  /**
   * Types of the main graph's values from the operators' static inference over the current graph
   * (no folding: constant folding is a pass of its own). Empty if inference fails (e.g. an op Ledge
   * does not implement): passes that need types then leave the graph alone, and the planner reports
   * the problem when the session is created.
   */
  Map<String, ValueType> mainGraphTypes() {
    if (types == null) {
      try {
        types = Model.of(model).inferredTypes(false);
      } catch (LedgeException e) {
        LOG.debug("type inference failed, type-based rewrites skipped: {}", e.getMessage());
        types = Map.of();
      }
    }
    return types;
  }

  /**
   * Records that this optimization run created {@code t} (a folded value, rewritten weights): only
   * the model being rewritten holds it, so a pass may overwrite it once the value it holds is no
   * longer read (see {@link #created(Tensor)}).
   */
  void markCreated(Tensor t) {
    created.add(t);
  }

  /**
   * True if {@code t} was made by this optimization run. Tensors of the model as given are shared
   * with the caller's IR and never written; these may be, when nothing else reads them.
   */
  boolean created(Tensor t) {
    return created.contains(t);
  }

  /** Forgets inferred types (after a rewrite, inference may now know more). */
  void invalidateTypes() {
    types = null;
  }

  /** A value name based on {@code base} that no graph of the model uses yet. */
  String freshName(String base) {
    if (names == null) {
      names = new HashSet<>();
      collectNames(model.graph(), names);
    }
    String candidate = base;
    for (int i = 1; names.contains(candidate); i++) {
      candidate = base + "_" + i;
    }
    names.add(candidate);
    return candidate;
  }

  private static void collectNames(Graph g, Set<String> out) {
    out.addAll(g.initializers().keySet());
    out.addAll(g.valueInfo().keySet());
    for (ValueInfo v : g.inputs()) {
      out.add(v.name());
    }
    for (ValueInfo v : g.outputs()) {
      out.add(v.name());
    }
    for (Node n : g.nodes()) {
      out.addAll(n.inputs());
      out.addAll(n.outputs());
      for (Graph sub : Graphs.subgraphs(n)) {
        collectNames(sub, out);
      }
    }
  }
}
