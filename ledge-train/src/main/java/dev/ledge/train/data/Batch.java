package dev.ledge.train.data;

import dev.ledge.tensor.Tensor;

/**
 * One mini-batch.
 *
 * @param features float32 {@code [batch, ...sampleShape]}
 * @param labels int64 {@code [batch]}
 * @param indices the samples' indices in the data set
 */
public record Batch(Tensor features, Tensor labels, int[] indices) {
  /** Number of samples. */
  public int size() {
    return indices.length;
  }
}
