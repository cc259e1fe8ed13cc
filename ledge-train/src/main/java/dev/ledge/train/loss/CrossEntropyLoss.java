package dev.ledge.train.loss;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.autograd.GraphBuilder;
import dev.ledge.train.data.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Softmax cross-entropy from logits {@code [N, C]} against integer labels {@code [N]}, with
 * optional label smoothing ε (target {@code (1 - ε) onehot + ε / C}) and class weights (a weighted
 * mean over the batch: {@code sum w[y_i] l_i / sum w[y_i]}).
 */
public final class CrossEntropyLoss implements Loss {
  /** The name of the labels input it adds. */
  public static final String LABELS = "labels";

  private final double smoothing;
  private final float[] weights;
  private final List<ValueInfo> inputs = new ArrayList<>();

  public CrossEntropyLoss() {
    this(0, null);
  }

  /**
   * @param labelSmoothing ε in [0, 1]
   * @param classWeights one weight per class, or null
   */
  public CrossEntropyLoss(double labelSmoothing, float[] classWeights) {
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new IllegalArgumentException(
          "label smoothing must be in [0, 1], got " + labelSmoothing);
    }
    this.smoothing = labelSmoothing;
    this.weights = classWeights == null ? null : classWeights.clone();
  }

  @Override
  public String attach(GraphBuilder b, String prediction, DType type) {
    inputs.clear();
    String labels = b.fresh(LABELS);
    inputs.add(new ValueInfo(labels, ValueType.tensor(DType.INT64, Shape.unknownDims(1))));
    b.graph().inputs().add(inputs.getFirst());
    List<String> in = new ArrayList<>(List.of(prediction, labels));
    if (weights != null) {
      Tensor w = Tensor.allocate(type, weights.length);
      for (int i = 0; i < weights.length; i++) {
        w.setDouble(i, weights[i]);
      }
      in.add(b.constant("class_weights", w));
    }
    return b.train("SoftmaxCrossEntropy", in, Attribute.of("label_smoothing", (float) smoothing));
  }

  @Override
  public List<ValueInfo> inputs() {
    return List.copyOf(inputs);
  }

  @Override
  public Map<String, Tensor> feeds(Batch batch) {
    return Map.of(inputs.getFirst().name(), batch.labels());
  }

  @Override
  public String describe() {
    return "cross-entropy"
        + (smoothing > 0 ? ", label smoothing " + smoothing : "")
        + (weights != null ? ", class weights " + Arrays.toString(weights) : "");
  }
}
