package dev.ledge.ops.control;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/** Control flow with subgraphs: If, Loop and Scan (every ai.onnx opset). */
public final class ControlOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("If", new IfOp());
    r.register("Loop", new LoopOp());
    r.register("Scan", new ScanOp());
  }
}
