package dev.ledge.train.autograd;

import dev.ledge.graph.Attribute;
import dev.ledge.train.ops.TrainOperators;
import java.util.ArrayList;
import java.util.List;

/** Rules of the training-domain losses. */
final class LossRules {
  private LossRules() {}

  static void register(GradientRules r) {
    String d = TrainOperators.DOMAIN;
    r.register(d, "SoftmaxCrossEntropy", LossRules::crossEntropy);
    r.register(d, "MeanSquaredError", c -> pointwise(c, "MeanSquaredErrorGrad"));
    r.register(
        d, "BinaryCrossEntropyWithLogits", c -> pointwise(c, "BinaryCrossEntropyWithLogitsGrad"));
    r.register(d, "SoftTargetKL", LossRules::softTarget);
  }

  private static void crossEntropy(GradContext c) {
    if (c.needsGrad(2)) {
      throw c.unsupported("the gradient with respect to class weights");
    }
    List<String> in = new ArrayList<>(List.of(c.outputGrad(0), c.input(0), c.input(1)));
    if (c.hasInput(2)) {
      in.add(c.input(2));
    }
    c.setInputGrad(
        0,
        c.train(
            "SoftmaxCrossEntropyGrad",
            in,
            Attribute.of("label_smoothing", c.attrFloat("label_smoothing", 0f))));
  }

  private static void pointwise(GradContext c, String op) {
    String[] g =
        c.train(
            op,
            List.of(c.outputGrad(0), c.input(0), c.input(1)),
            new boolean[] {c.needsGrad(0), c.needsGrad(1)});
    c.setInputGrad(0, g[0]);
    c.setInputGrad(1, g[1]);
  }

  private static void softTarget(GradContext c) {
    if (c.needsGrad(1)) {
      throw c.unsupported("the gradient with respect to the teacher's logits");
    }
    c.setInputGrad(
        0,
        c.train(
            "SoftTargetKLGrad",
            List.of(c.outputGrad(0), c.input(0), c.input(1)),
            Attribute.of("temperature", c.attrFloat("temperature", 1f))));
  }
}
