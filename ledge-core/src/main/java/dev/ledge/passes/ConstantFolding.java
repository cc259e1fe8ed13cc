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
    boolean changed = false;
    for (Node n : order) {
      if (foldable(scope, n) && fold(scope, n)) {
        changed = true;
      }
    }
    return changed;
  }

  private static boolean foldable(GraphScope scope, Node n) {
    if (!n.domain().isEmpty() || RANDOM.contains(n.opType()) || Graphs.hasSubgraphs(n)) {
      return false;
    }
    for (String in : n.inputs()) {
      if (!in.isEmpty() && scope.constant(in) == null) {
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

  private static boolean fold(GraphScope scope, Node n) {
    Map<String, Object> results;
    try {
      results = run(scope, n);
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
    scope.remove(n);
    for (String out : n.outputs()) {
      if (!out.isEmpty()) {
        scope.graph().initializers().put(out, tensors.get(out));
      }
    }
    scope.refresh();
    return true;
  }

  /** Runs one node over its constant inputs in a model of its own. */
  private static Map<String, Object> run(GraphScope scope, Node n) {
    Graph g = new Graph("fold");
    for (String in : n.inputs()) {
      if (!in.isEmpty()) {
        g.initializers().put(in, scope.constant(in));
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
