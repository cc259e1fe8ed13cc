package dev.ledge.train.loss;

import dev.ledge.graph.ValueInfo;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.autograd.GraphBuilder;
import dev.ledge.train.data.Batch;
import java.util.List;
import java.util.Map;

/**
 * A training objective, appended to a model's graph as nodes (so autograd differentiates it like
 * any other part of the graph).
 */
public interface Loss {
  /**
   * Appends the loss computation.
   *
   * @param b the graph being extended
   * @param prediction the model output the loss reads (logits or values)
   * @param type its float type
   * @return the name of the scalar loss value
   */
  String attach(GraphBuilder b, String prediction, DType type);

  /** Graph inputs the loss adds (labels, targets, teacher logits), declared by {@link #attach}. */
  List<ValueInfo> inputs();

  /** Values for {@link #inputs()} for one batch. */
  Map<String, Tensor> feeds(Batch batch);

  /** One line for logs and model metadata. */
  String describe();
}
