package dev.ledge.train;

/**
 * What one training step measured.
 *
 * @param loss the batch's loss (before the update)
 * @param correct samples whose arg-max prediction equals the label
 * @param samples samples in the batch
 * @param gradNorm global gradient norm before clipping
 * @param lr the learning rate used
 */
public record StepResult(double loss, int correct, int samples, double gradNorm, double lr) {}
