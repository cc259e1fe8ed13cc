package dev.ledge.train;

/**
 * One epoch of a {@link Fit}.
 *
 * @param epoch 1-based
 * @param trainLoss mean loss over the epoch's batches (weighted by batch size)
 * @param trainAccuracy accuracy on the training batches (during the epoch, before each update)
 * @param testAccuracy accuracy on the held-out set after the epoch (NaN if none)
 * @param seconds wall time of the epoch's training steps
 * @param samples training samples processed
 */
public record EpochStats(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double testAccuracy,
    double seconds,
    long samples) {
  /** Training throughput. */
  public double samplesPerSecond() {
    return samples / Math.max(seconds, 1e-9);
  }
}
