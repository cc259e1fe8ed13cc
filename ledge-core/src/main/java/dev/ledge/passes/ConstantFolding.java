package dev.ledge.passes;

import dev.ledge.LedgeException;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.Tensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs nodes whose inputs are all constant (initializers here or in an enclosing scope, including
 * ones earlier folds made) once, through a one-node {@link Session}, and replaces them by
 * initializers holding their outputs under the same names. Constant nodes become initializers;
 * Transpose, Unsqueeze, Squeeze, Reshape, Cast ... of constants fold the same way.
 *
 * <p>Skipped: ops outside ai.onnx, ops that draw random numbers, nodes with subgraphs, nodes whose
 * outputs are not all tensors (sequences, optionals), and nodes with an output larger than the
 * context's fold limit (they stay in the graph; the planner may still fold them when a session is
 * created, but they do not bloat the IR). A node that fails to prepare or run is left for the
 * planner to report.
 */
public final class ConstantFolding extends GraphRewrite {
  private static final Logger LOG = LoggerFactory.getLogger(ConstantFolding.class);

  /** Ops whose result is not a function of their inputs. */
  private static final Set<String> RANDOM =
      Set.of(
          "RandomNormal",
          "RandomNormalLike",
          "RandomUniform",
          "RandomUniformLike",
          "Bernoulli",
          "Multinomial",
          "Dropout");

  @Override
  protected boolean rewrite(GraphScope scope) {
    List<Node> order = Graphs.topologicalOrder(scope.graph());
    if (order == null) {
      return false;
    }
    // Folds of this sweep: later nodes may read them. The graph is edited once at the end, so
    // the scope's index stays valid during the sweep (no rebuild per folded node).
    Map<String, Tensor> folded = new HashMap<>();
    Set<Node> removed = new HashSet<>();
    for (Node n : order) {
      if (foldable(scope, folded, n) && fold(scope, folded, n)) {
        removed.add(n);
      }
    }
    if (removed.isEmpty()) {
      return false;
    }
    scope.graph().nodes().removeIf(removed::contains);
    scope.graph().initializers().putAll(folded);
    scope.refresh();
    return true;
  }

  private static Tensor constant(GraphScope scope, Map<String, Tensor> folded, String name) {
    Tensor t = folded.get(name);
    return t != null ? t : scope.constant(name);
  }

  private static boolean foldable(GraphScope scope, Map<String, Tensor> folded, Node n) {
    if (!n.domain().isEmpty() || RANDOM.contains(n.opType()) || Graphs.hasSubgraphs(n)) {
      return false;
    }
    for (String in : n.inputs()) {
      if (!in.isEmpty() && constant(scope, folded, in) == null) {
        return false;
      }
    }
    boolean anyOutput = false;
    for (String out : n.outputs()) {
      if (out.isEmpty()) {
        continue;
      }
      anyOutput = true;
      if (n.inputs().contains(out) || scope.graph().initializers().containsKey(out)) {
        return false; // malformed; the planner reports it
      }
      int[] shape = scope.staticShape(out);
      if (shape != null && tooLarge(scope, scope.dtype(out), shape)) {
        return false;
      }
    }
    return anyOutput;
  }

  private static boolean tooLarge(GraphScope scope, dev.ledge.tensor.DType dtype, int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    long bytes = dtype == null ? n * 8 : dtype.bytesFor(n);
    return bytes > scope.context().maxFoldBytes();
  }

  private static boolean fold(GraphScope scope, Map<String, Tensor> folded, Node n) {
    Map<String, Object> results;
    try {
      results = run(scope, folded, n);
    } catch (LedgeException e) {
      LOG.debug("not folding {}: {}", n.describe(), e.getMessage());
      return false;
    }
    Map<String, Tensor> tensors = new HashMap<>();
    for (Map.Entry<String, Object> e : results.entrySet()) {
      if (!(e.getValue() instanceof Tensor t)
          || tooLarge(scope, t.dtype(), t.shape())
          || !t.isArrayBacked()) {
        return false;
      }
      tensors.put(e.getKey(), t);
    }
    // The session's outputs belong to us (fresh or copied): later rewrites may reuse them.
    tensors.values().forEach(scope.context()::markCreated);
    folded.putAll(tensors);
    return true;
  }

  /** Runs one node over its constant inputs in a model of its own. */
  private static Map<String, Object> run(GraphScope scope, Map<String, Tensor> folded, Node n) {
    Graph g = new Graph("fold");
    for (String in : n.inputs()) {
      if (!in.isEmpty()) {
        g.initializers().put(in, constant(scope, folded, in));
      }
    }
    g.nodes().add(n.copy());
    for (String out : n.outputs()) {
      if (!out.isEmpty()) {
        g.outputs().add(new ValueInfo(out, null));
      }
    }
    ModelDef source = scope.context().model();
    ModelDef m = new ModelDef(g);
    m.setIrVersion(source.irVersion());
    m.opsetImports().putAll(source.opsetImports());
    try (Session s =
        Model.of(m)
            .newSession(
                SessionOptions.defaults()
                    .optimizationLevel(SessionOptions.OptimizationLevel.NONE))) {
      return s.runValues(Map.of());
    }
  }
}
