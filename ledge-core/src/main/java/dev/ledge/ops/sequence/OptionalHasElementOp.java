package dev.ledge.ops.sequence;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.OptionalValue;

/**
 * OptionalHasElement (opsets 15, 18): true if the input optional holds a value. From opset 18 the
 * input may be omitted (false) or be a plain tensor or sequence (true).
 */
final class OptionalHasElementOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 18) {
      ctx.requireInputCount(1, 1);
    } else {
      ctx.requireInputCount(0, 1);
    }
    ctx.setOutput(0, DType.BOOL, Shape.of(new int[0]));
    return exec -> {
      Object v = exec.inputValue(0);
      boolean present = v instanceof OptionalValue o ? o.isPresent() : v != null;
      exec.output(0, DType.BOOL, new int[0]).setBoolean(0, present);
    };
  }
}
