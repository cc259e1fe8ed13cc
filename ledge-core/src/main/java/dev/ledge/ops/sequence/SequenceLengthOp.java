package dev.ledge.ops.sequence;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/** SequenceLength (opset 11): the number of tensors, as an int64 scalar. */
final class SequenceLengthOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    Sequences.elementType(ctx, 0);
    ctx.setOutput(0, DType.INT64, Shape.of(new int[0]));
    return exec -> {
      int n = Sequences.sequence(exec, 0).size();
      Tensor out = exec.output(0, DType.INT64, new int[0]);
      out.setLong(0, n);
    };
  }
}
