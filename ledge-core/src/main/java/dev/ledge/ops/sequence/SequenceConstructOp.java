package dev.ledge.ops.sequence;

import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * SequenceConstruct (opset 11): a sequence of its input tensors, which must share one dtype. The
 * tensors are copied so that the sequence owns them.
 */
final class SequenceConstructOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    int n = ctx.inputCount();
    if (n < 1) {
      throw ctx.error("needs at least one input tensor");
    }
    DType dtype = null;
    Shape shape = ctx.inputShape(0);
    boolean sameShape = true;
    for (int i = 0; i < n; i++) {
      if (!ctx.hasInput(i)) {
        throw ctx.error("input " + i + " is empty; every input must be a tensor");
      }
      if (ctx.inputType(i) != null && !(ctx.inputType(i) instanceof ValueType.TensorType)) {
        throw ctx.error("input " + i + " is " + ctx.inputType(i) + ", expected a tensor");
      }
      DType t = ctx.inputDType(i);
      if (t != null) {
        if (dtype != null && t != dtype) {
          throw ctx.error("input " + i + " has type " + t + ", input 0 has " + dtype);
        }
        dtype = t;
      }
      sameShape &= shape != null && shape.isStatic() && Objects.equals(shape, ctx.inputShape(i));
    }
    ctx.setOutputType(
        0, new ValueType.SequenceType(new ValueType.TensorType(dtype, sameShape ? shape : null)));
    return exec -> {
      List<Tensor> items = new ArrayList<>(n);
      DType type = exec.input(0).dtype();
      for (int i = 0; i < n; i++) {
        Tensor t = exec.input(i);
        if (t.dtype() != type) {
          throw exec.error("input " + i + " has type " + t.dtype() + ", input 0 has " + type);
        }
        items.add(t.copy());
      }
      exec.setOutput(0, new TensorSequence(type, items));
    };
  }
}
