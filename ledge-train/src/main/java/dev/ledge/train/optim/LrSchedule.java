package dev.ledge.train.optim;

/**
 * The learning rate as a function of the step (0-based, counted over the whole run). Schedules
 * compose: {@code LrSchedule.warmup(500, LrSchedule.cosine(1e-3, 10_000, 0))}.
 */
@FunctionalInterface
public interface LrSchedule {
  double at(long step);

  /** A constant rate. */
  static LrSchedule constant(double lr) {
    return s -> lr;
  }

  /** {@code lr * gamma^floor(step / every)} (step decay). */
  static LrSchedule step(double lr, long every, double gamma) {
    if (every < 1) {
      throw new IllegalArgumentException("step decay interval must be >= 1, got " + every);
    }
    return s -> lr * Math.pow(gamma, s / every);
  }

  /**
   * Cosine annealing from {@code lr} at step 0 to {@code min} at step {@code total} (and after).
   */
  static LrSchedule cosine(double lr, long total, double min) {
    if (total < 1) {
      throw new IllegalArgumentException("cosine schedule length must be >= 1, got " + total);
    }
    return s -> s >= total ? min : min + (lr - min) * 0.5 * (1 + Math.cos(Math.PI * s / total));
  }

  /**
   * Linear warm-up: {@code after.at(0) * (step + 1) / steps} for the first {@code steps} steps,
   * then {@code after} shifted by the warm-up.
   */
  static LrSchedule warmup(long steps, LrSchedule after) {
    if (steps < 0) {
      throw new IllegalArgumentException("warm-up steps must be >= 0, got " + steps);
    }
    return s -> s < steps ? after.at(0) * (s + 1) / steps : after.at(s - steps);
  }
}
