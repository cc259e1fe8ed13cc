package dev.ledge.ops.sequence;

import dev.ledge.graph.ValueType;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.OptionalValue;

/**
 * OptionalGetElement (opsets 15, 18): the value held by the input optional; an error if it is
 * empty. From opset 18 a plain tensor or sequence input passes through.
 */
final class OptionalGetElementOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ValueType in = ctx.inputType(0);
    if (in instanceof ValueType.OptionalType o) {
      ctx.setOutputType(0, o.element());
    } else if (in != null && ctx.opsetVersion() < 18) {
      throw ctx.error("input is " + in + ", expected an optional (plain values need opset 18)");
    } else {
      ctx.setOutputType(0, in);
    }
    return exec -> {
      Object v = exec.inputValue(0);
      if (v instanceof OptionalValue o) {
        if (!o.isPresent()) {
          throw exec.error("the input optional is empty");
        }
        v = o.value();
      }
      if (v == null) {
        throw exec.error("the input is missing");
      }
      exec.setOutput(0, v);
    };
  }
}
