package dev.ledge.train.loss;

import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.autograd.GraphBuilder;
import dev.ledge.train.data.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Losses against float targets of the prediction's shape: mean squared error and binary
 * cross-entropy from logits (averaged over every element). For classification data the targets are
 * the one-hot labels ({@code [N, C]}); a prediction of one column ({@code [N, 1]}) is trained
 * against the label itself as 0/1.
 */
public final class OneHotTargetLoss implements Loss {
  /** The name of the targets input it adds. */
  public static final String TARGETS = "targets";

  private final String op;
  private final String name;
  private final List<ValueInfo> inputs = new ArrayList<>();
  private DType type = DType.FLOAT32;
  private int columns = -1;

  private OneHotTargetLoss(String op, String name) {
    this.op = op;
    this.name = name;
  }

  /** Mean squared error. */
  public static OneHotTargetLoss meanSquaredError() {
    return new OneHotTargetLoss("MeanSquaredError", "mean squared error");
  }

  /** Binary cross-entropy of sigmoid(logits), in its numerically stable form. */
  public static OneHotTargetLoss binaryCrossEntropy() {
    return new OneHotTargetLoss("BinaryCrossEntropyWithLogits", "binary cross-entropy");
  }

  @Override
  public String attach(GraphBuilder b, String prediction, DType type) {
    this.type = type;
    inputs.clear();
    ValueInfo p = b.graph().findValueInfo(prediction);
    Shape s = p != null && p.tensorType() != null ? p.tensorType().shape() : null;
    columns = s != null && s.rank() == 2 && s.dim(1).isKnown() ? (int) s.dim(1).value() : -1;
    String t = b.fresh(TARGETS);
    inputs.add(new ValueInfo(t, ValueType.tensor(type, s)));
    b.graph().inputs().add(inputs.getFirst());
    return b.train(op, List.of(prediction, t));
  }

  @Override
  public List<ValueInfo> inputs() {
    return List.copyOf(inputs);
  }

  @Override
  public Map<String, Tensor> feeds(Batch batch) {
    int n = batch.size();
    if (columns < 1) {
      throw new IllegalStateException(
          name
              + ": the prediction's column count is not known statically; one-hot targets need it");
    }
    Tensor t = Tensor.allocate(type, n, columns);
    for (int i = 0; i < n; i++) {
      long y = batch.labels().getLong(i);
      if (columns == 1) {
        t.setDouble(i, y);
      } else if (y >= 0 && y < columns) {
        t.setDouble(i * columns + (int) y, 1);
      } else {
        throw new IllegalArgumentException("label " + y + " outside the " + columns + " outputs");
      }
    }
    return Map.of(inputs.getFirst().name(), t);
  }

  @Override
  public String describe() {
    return name;
  }
}
