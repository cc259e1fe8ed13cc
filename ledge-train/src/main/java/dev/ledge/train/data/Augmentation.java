package dev.ledge.train.data;

import java.util.Random;

/**
 * Changes a training sample in place when a batch is assembled (random shifts, noise, ...). The
 * random source is derived from the loader's seed, the epoch and the sample's index, so augmented
 * batches are reproducible and independent of batch size.
 */
@FunctionalInterface
public interface Augmentation {
  /**
   * @param sample the batch buffer
   * @param offset where this sample's floats start
   * @param shape the sample's shape
   * @param rng a random source for this sample only
   */
  void apply(float[] sample, int offset, int[] shape, Random rng);

  /** Applies this, then {@code next}. */
  default Augmentation andThen(Augmentation next) {
    return (s, o, sh, r) -> {
      apply(s, o, sh, r);
      next.apply(s, o, sh, r);
    };
  }
}
