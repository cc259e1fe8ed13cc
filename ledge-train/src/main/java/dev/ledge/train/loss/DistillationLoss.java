package dev.ledge.train.loss;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.autograd.GraphBuilder;
import dev.ledge.train.data.Batch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knowledge distillation: {@code α · CE(student, labels) + (1 − α) · T² · KL(softmax(teacher / T) ‖
 * softmax(student / T))}, the KL averaged over the batch. The teacher's logits come from a session
 * of the teacher model run on each batch's features.
 */
public final class DistillationLoss implements Loss {
  private final double alpha;
  private final double temperature;
  private final Session teacher;
  private final String teacherInput;
  private final String teacherOutput;
  private final CrossEntropyLoss hard = new CrossEntropyLoss();
  private final List<ValueInfo> inputs = new ArrayList<>();
  private DType type = DType.FLOAT32;

  /**
   * @param alpha weight of the hard-label term, in [0, 1]
   * @param temperature softening temperature T > 0
   * @param teacher a session of the teacher model (used from the training thread only)
   * @param teacherInput the teacher's input name
   * @param teacherOutput the teacher's logits output name
   */
  public DistillationLoss(
      double alpha,
      double temperature,
      Session teacher,
      String teacherInput,
      String teacherOutput) {
    if (!(alpha >= 0 && alpha <= 1) || !(temperature > 0)) {
      throw new IllegalArgumentException(
          "need alpha in [0, 1] and temperature > 0, got " + alpha + ", " + temperature);
    }
    this.alpha = alpha;
    this.temperature = temperature;
    this.teacher = teacher;
    this.teacherInput = teacherInput;
    this.teacherOutput = teacherOutput;
  }

  @Override
  public String attach(GraphBuilder b, String prediction, DType type) {
    this.type = type;
    inputs.clear();
    String ce = hard.attach(b, prediction, type);
    inputs.addAll(hard.inputs());
    String t = b.fresh("teacher_logits");
    inputs.add(new ValueInfo(t, ValueType.tensor(type, Shape.unknownDims(2))));
    b.graph().inputs().add(inputs.getLast());
    String kl =
        b.train(
            "SoftTargetKL",
            List.of(prediction, t),
            Attribute.of("temperature", (float) temperature));
    String a = b.onnx("Mul", List.of(ce, b.scalar(alpha, type)));
    String k = b.onnx("Mul", List.of(kl, b.scalar((1 - alpha) * temperature * temperature, type)));
    return b.onnx("Add", List.of(a, k));
  }

  @Override
  public List<ValueInfo> inputs() {
    return List.copyOf(inputs);
  }

  @Override
  public Map<String, Tensor> feeds(Batch batch) {
    Map<String, Tensor> f = new LinkedHashMap<>(hard.feeds(batch));
    Tensor logits = teacher.run(Map.of(teacherInput, batch.features())).get(teacherOutput);
    if (logits.dtype() != type) {
      Tensor c = Tensor.allocate(type, logits.shape());
      for (int i = 0; i < logits.size(); i++) {
        c.setDouble(i, logits.getDouble(i));
      }
      logits = c;
    }
    f.put(inputs.getLast().name(), logits);
    return f;
  }

  @Override
  public String describe() {
    return "distillation (alpha " + alpha + ", temperature " + temperature + ")";
  }
}
