package dev.ledge.passes;

import dev.ledge.LedgeException;
import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a list of {@link GraphPass}es over a model (main graph and subgraphs) until none changes
 * anything, or a bound on rounds is reached.
 *
 * <pre>{@code
 * ModelDef optimized = GraphOptimizer.forLevel(OptimizationLevel.ALL).optimize(model);
 * }</pre>
 */
public final class GraphOptimizer {
  /** Rounds before giving up on a fixed point (each pass shrinks the graph, so few are needed). */
  public static final int DEFAULT_MAX_ROUNDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(GraphOptimizer.class);

  private final List<GraphPass> passes;
  private final int maxRounds;

  public GraphOptimizer(List<GraphPass> passes, int maxRounds) {
    if (maxRounds < 1) {
      throw new IllegalArgumentException("maxRounds must be at least 1, got " + maxRounds);
    }
    this.passes = List.copyOf(passes);
    this.maxRounds = maxRounds;
  }

  /**
   * The passes of a level, in the order they run each round.
   *
   * <ul>
   *   <li>NONE: none.
   *   <li>BASIC (bit-exact): {@link IdentityElimination}, {@link DropoutElimination}, {@link
   *       ConstantFolding}, {@link ShapeFolding}, {@link TransposeElimination}, {@link
   *       ReshapeFusion}, {@link DeadNodeElimination}.
   *   <li>EXTENDED (float rounding may change): BASIC plus {@link ConvBatchNormFusion}, {@link
   *       ConvMulAddFusion}, {@link BatchNormMulAddFusion} and {@link MatMulAddFusion}.
   *   <li>ALL: EXTENDED plus {@link ConvActivationFusion} and {@link GemmActivationFusion} (Ledge's
   *       own FusedConv and FusedGemm, which apply a residual add and an activation in the kernel's
   *       epilogue).
   * </ul>
   */
  public static GraphOptimizer forLevel(OptimizationLevel level) {
    List<GraphPass> p = new ArrayList<>();
    if (level != OptimizationLevel.NONE) {
      p.add(new IdentityElimination());
      p.add(new DropoutElimination());
      p.add(new ConstantFolding());
      p.add(new ShapeFolding());
      p.add(new TransposeElimination());
      p.add(new ReshapeFusion());
    }
    if (level == OptimizationLevel.EXTENDED || level == OptimizationLevel.ALL) {
      p.add(new ConvBatchNormFusion());
      p.add(new ConvMulAddFusion());
      p.add(new BatchNormMulAddFusion());
      p.add(new MatMulAddFusion());
    }
    if (level == OptimizationLevel.ALL) {
      p.add(new ConvActivationFusion());
      p.add(new GemmActivationFusion());
    }
    if (level != OptimizationLevel.NONE) {
      p.add(new DeadNodeElimination());
    }
    return new GraphOptimizer(p, DEFAULT_MAX_ROUNDS);
  }

  public List<GraphPass> passes() {
    return passes;
  }

  /**
   * An optimized deep copy of {@code model}; the argument is not changed (tensors are shared). If a
   * pass finds the model malformed, the copy is returned as written, so that the planner reports
   * the problem with its usual message.
   */
  public ModelDef optimize(ModelDef model) {
    ModelDef copy = model.deepCopy();
    try {
      optimizeInPlace(copy);
      return copy;
    } catch (LedgeException e) {
      LOG.debug("graph passes stopped, running the model as written: {}", e.getMessage());
      return model.deepCopy();
    }
  }

  /** Rewrites {@code model} in place; returns what each pass did. */
  public Report optimizeInPlace(ModelDef model) {
    PassContext context = new PassContext(model);
    Map<String, Integer> changes = new LinkedHashMap<>();
    for (GraphPass p : passes) {
      changes.put(p.name(), 0);
    }
    if (model.graph() == null || !wellFormed(model.graph())) {
      // Cycles or names produced twice: rewriting could turn one error into another; the
      // planner reports the original.
      return new Report(0, true, changes);
    }
    int round = 0;
    boolean changed = true;
    while (changed && round < maxRounds) {
      round++;
      changed = false;
      for (GraphPass p : passes) {
        if (p.apply(context)) {
          changes.merge(p.name(), 1, Integer::sum);
          changed = true;
        }
      }
      // Passes keep every surviving value's type, so inferred types stay valid within a round;
      // the next round re-infers because rewrites (folded shapes) may let inference see more.
      context.invalidateTypes();
    }
    return new Report(round, !changed, changes);
  }

  private static boolean wellFormed(dev.ledge.graph.Graph g) {
    if (Graphs.topologicalOrder(g) == null) {
      return false;
    }
    for (dev.ledge.graph.Node n : g.nodes()) {
      for (dev.ledge.graph.Graph sub : Graphs.subgraphs(n)) {
        if (!wellFormed(sub)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * What an optimization run did.
   *
   * @param rounds rounds run (a round applies every pass once)
   * @param converged true if the last round changed nothing
   * @param changes per pass, the number of rounds in which it changed the model
   */
  public record Report(int rounds, boolean converged, Map<String, Integer> changes) {
    public Report {
      changes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }
  }
}
