package dev.ledge.ops;

import java.util.List;

/** Every built-in operator family. Add a family here when you add an ops sub-package. */
final class OperatorFamilies {
  static final List<OperatorFamily> ALL =
      List.of(
          // families, one per line:
          new dev.ledge.ops.core.CoreOperators(),
          new dev.ledge.ops.text.TextOperators(),
          new dev.ledge.ops.ml.MlOperators(),
          new dev.ledge.ops.training.TrainingOperators(),
          new dev.ledge.ops.random.RandomOperators(),
          new dev.ledge.ops.image.ImageOperators());

  private OperatorFamilies() {}
}
