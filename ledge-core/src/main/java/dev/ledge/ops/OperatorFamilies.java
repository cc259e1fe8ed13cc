package dev.ledge.ops;

import java.util.List;

/** Every built-in operator family. Add a family here when you add an ops sub-package. */
final class OperatorFamilies {
  static final List<OperatorFamily> ALL =
      List.of(
          new dev.ledge.ops.core.CoreOperators(),
          new dev.ledge.ops.math.MathOperators(),
          new dev.ledge.ops.reduce.ReduceOperators(),
          new dev.ledge.ops.quant.QuantOperators(),
          new dev.ledge.ops.signal.SignalOperators(),
          new dev.ledge.ops.control.ControlOperators(),
          new dev.ledge.ops.rnn.RnnOperators(),
          new dev.ledge.ops.sequence.SequenceOperators(),
          new dev.ledge.ops.nn.NnOperators(),
          new dev.ledge.ops.tensor.TensorOperators(),
          new dev.ledge.ops.vision.VisionOperators(),
          new dev.ledge.ops.attention.AttentionOperators(),
          new dev.ledge.ops.text.TextOperators(),
          new dev.ledge.ops.ml.MlOperators(),
          new dev.ledge.ops.training.TrainingOperators(),
          new dev.ledge.ops.random.RandomOperators(),
          new dev.ledge.ops.image.ImageOperators());

  private OperatorFamilies() {}
}
