package dev.ledge.train.autograd;

import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.Model;
import dev.ledge.train.ops.TrainOperators;
import java.util.List;
import java.util.Map;

/**
 * A forward graph extended with its backward computation, in the same IR.
 *
 * @param definition the combined graph: forward outputs first, then one output per gradient
 * @param gradients for each differentiated value, the name of the graph output holding its gradient
 * @param seedInputs graph inputs through which callers feed upstream gradients (may be empty)
 */
public record GradientGraph(
    ModelDef definition, Map<String, String> gradients, List<String> seedInputs) {
  public GradientGraph {
    gradients = Map.copyOf(gradients);
    seedInputs = List.copyOf(seedInputs);
  }

  /** The graph as a runnable model (with the training operators registered). */
  public Model model() {
    return Model.of(definition, TrainOperators.registry());
  }
}
