package dev.ledge.ops.sequence;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * SequenceInsert (opset 11): a new sequence with a copy of {@code tensor} inserted at {@code
 * position} (default: the end; negative counts from the back, {@code -n..n}).
 */
final class SequenceInsertOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
    DType seqType = Sequences.elementDType(ctx, 0);
    DType t = ctx.inputDType(1);
    if (seqType != null && t != null && seqType != t) {
      throw ctx.error("tensor has type " + t + ", the sequence holds " + seqType);
    }
    Sequences.requirePositionType(ctx, 2);
    ctx.setOutputType(0, Sequences.sequenceOf(seqType != null ? seqType : t));
    return exec -> {
      TensorSequence s = Sequences.sequence(exec, 0);
      Tensor tensor = exec.input(1);
      Sequences.requireElementType(exec, s, tensor);
      int at = exec.hasInput(2) ? Sequences.position(exec, 2, s.size(), true) : s.size();
      List<Tensor> items = new ArrayList<>(s.size() + 1);
      items.addAll(s.tensors());
      items.add(at, tensor.copy());
      exec.setOutput(0, new TensorSequence(tensor.dtype(), items));
    };
  }
}
