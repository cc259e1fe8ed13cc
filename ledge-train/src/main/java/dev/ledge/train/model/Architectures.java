package dev.ledge.train.model;

import dev.ledge.LedgeException;
import dev.ledge.graph.ModelDef;
import java.util.Arrays;

/** The reference architectures of {@code ledge train --arch}. */
public final class Architectures {
  private Architectures() {}

  /**
   * A multi-layer perceptron {@code in-300-100-classes} with ReLU (for MNIST: 784-300-100-10), on
   * inputs of any shape (flattened first).
   */
  public static ModelDef mlp(int[] sampleShape, int classes, long seed) {
    Sequential s = Sequential.input("input", sampleShape);
    if (sampleShape.length != 1) {
      s.flatten();
    }
    return s.dense(300).relu().dense(100).relu().dense(classes).build(seed);
  }

  /**
   * LeNet-5 (2 conv + 3 dense): conv 6@5x5 (padding 2) - ReLU - maxpool 2 - conv 16@5x5 - ReLU -
   * maxpool 2 - dense 120 - ReLU - dense 84 - ReLU - dense classes. For images smaller than 28x28
   * both convolutions pad by 2.
   */
  public static ModelDef lenet5(int[] sampleShape, int classes, long seed) {
    if (sampleShape.length != 3) {
      throw new LedgeException(
          "lenet5 needs image samples [C, H, W], got " + Arrays.toString(sampleShape));
    }
    boolean small = sampleShape[1] < 28 || sampleShape[2] < 28;
    if (sampleShape[1] < 8 || sampleShape[2] < 8) {
      throw new LedgeException(
          "lenet5 needs images of at least 8x8, got " + Arrays.toString(sampleShape));
    }
    return Sequential.input("input", sampleShape)
        .conv2d(6, 5, 1, 2)
        .relu()
        .maxPool(2)
        .conv2d(16, 5, 1, small ? 2 : 0)
        .relu()
        .maxPool(2)
        .flatten()
        .dense(120)
        .relu()
        .dense(84)
        .relu()
        .dense(classes)
        .build(seed);
  }
}
