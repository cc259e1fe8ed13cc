package dev.ledge.ops.sequence;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * SequenceErase (opset 11): a new sequence without the tensor at {@code position} (default last).
 */
final class SequenceEraseOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 2);
    Sequences.elementType(ctx, 0);
    Sequences.requirePositionType(ctx, 1);
    ctx.setOutputType(0, ctx.inputType(0));
    return exec -> {
      TensorSequence s = Sequences.sequence(exec, 0);
      if (s.size() == 0) {
        throw exec.error("cannot erase from an empty sequence");
      }
      int at = exec.hasInput(1) ? Sequences.position(exec, 1, s.size(), false) : s.size() - 1;
      List<Tensor> items = new ArrayList<>(s.tensors());
      items.remove(at);
      exec.setOutput(0, new TensorSequence(s.elementType(), items));
    };
  }
}
