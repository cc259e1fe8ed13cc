package dev.ledge.ops.sequence;

import dev.ledge.graph.ValueType;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.TensorSequence;

/** SequenceAt (opset 11): the tensor at {@code position} ({@code -n..n-1}). */
final class SequenceAtOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ValueType.TensorType element = Sequences.elementType(ctx, 0);
    ctx.requireInputType(1, dev.ledge.tensor.DType.INT32, dev.ledge.tensor.DType.INT64);
    ctx.setOutputType(0, element != null ? element : new ValueType.TensorType(null, null));
    return exec -> {
      TensorSequence s = Sequences.sequence(exec, 0);
      exec.setOutput(0, s.get(Sequences.position(exec, 1, s.size(), false)));
    };
  }
}
