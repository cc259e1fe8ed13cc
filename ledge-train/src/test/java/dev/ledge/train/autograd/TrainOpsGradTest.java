package dev.ledge.train.autograd;

import static dev.ledge.train.autograd.GradCheck.random;

import dev.ledge.graph.Attribute;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the training-domain ops: losses and the training Dropout. */
class TrainOpsGradTest {
  private static final long V = 1;

  @Test
  void crossEntropyWithSmoothingAndWeights() {
    Tensor labels = Tensor.wrap(new long[] {2, 0, 1, 2}, 4);
    GradCheck.trainOp("SoftmaxCrossEntropy", V)
        .input("z", random(1, -3, 3, 4, 3))
        .fixedInput("labels", labels)
        .check();
    GradCheck.trainOp("SoftmaxCrossEntropy", V)
        .input("z", random(2, -3, 3, 4, 3))
        .fixedInput("labels", labels)
        .constant("w", Tensor.wrap(new double[] {0.5, 2, 1}, 3))
        .attr(Attribute.of("label_smoothing", 0.1f))
        .check();
  }

  @Test
  void pointwiseLosses() {
    GradCheck.trainOp("MeanSquaredError", V)
        .input("p", random(1, -1, 1, 3, 2))
        .input("t", random(2, -1, 1, 3, 2))
        .check();
    GradCheck.trainOp("BinaryCrossEntropyWithLogits", V)
        .input("z", random(3, -4, 4, 5))
        .input("t", random(4, 0, 1, 5))
        .check();
  }

  @Test
  void softTargetKl() {
    GradCheck.trainOp("SoftTargetKL", V)
        .input("s", random(1, -3, 3, 3, 4))
        .fixedInput("t", random(2, -3, 3, 3, 4))
        .attr(Attribute.of("temperature", 2.5f))
        .check();
  }

  @Test
  void dropoutWithAFixedSeedIsLinear() {
    GradCheck.trainOp("Dropout", V)
        .input("x", random(1, -1, 1, 4, 5))
        .fixedInput("seed", Tensor.scalar(42L))
        .attr(Attribute.of("ratio", 0.3f))
        .outputs("y", "mask")
        .seeded("y")
        .check();
  }
}
