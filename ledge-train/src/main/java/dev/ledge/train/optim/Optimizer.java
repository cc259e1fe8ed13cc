package dev.ledge.train.optim;

import java.util.List;

/**
 * Updates parameters from their gradients. Implementations keep per-parameter state (momentum,
 * moments) keyed by parameter name, work in a fixed order, and use no randomness, so a run is
 * reproducible bit for bit.
 */
public interface Optimizer {
  /**
   * Applies one update.
   *
   * @param params the parameters, with this step's gradients
   * @param lr the learning rate of this step
   */
  void step(List<Parameter> params, double lr);

  /** One line for logs and model metadata. */
  String describe();
}
