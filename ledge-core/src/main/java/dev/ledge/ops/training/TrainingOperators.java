package dev.ledge.ops.training;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * The optimizers of the {@code ai.onnx.preview.training} domain: Adagrad, Adam and Momentum
 * (standard and Nesterov), each updating one or more tensors per call.
 */
public final class TrainingOperators implements OperatorFamily {
  /** The domain these operators live in. */
  public static final String DOMAIN = "ai.onnx.preview.training";

  @Override
  public void register(OperatorRegistry r) {
    r.register(DOMAIN, "Adagrad", new AdagradOp());
    r.register(DOMAIN, "Adam", new AdamOp());
    r.register(DOMAIN, "Momentum", new MomentumOp());
  }
}
