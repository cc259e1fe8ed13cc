package dev.ledge.ops.core;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;

/** Identity: passes its input through (tensors, sequences and optionals alike). No copy. */
final class IdentityOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.setOutputType(0, ctx.inputType(0));
    return exec -> exec.setOutput(0, exec.inputValue(0));
  }
}
