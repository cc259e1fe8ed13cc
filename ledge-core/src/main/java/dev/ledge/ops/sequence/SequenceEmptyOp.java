package dev.ledge.ops.sequence;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.TensorSequence;
import java.util.List;

/** SequenceEmpty (opset 11): an empty sequence of the {@code dtype} attribute (default float). */
final class SequenceEmptyOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(0, 0);
    long code = ctx.attrInt("dtype", DType.FLOAT32.onnxCode());
    DType dtype;
    try {
      dtype = DType.fromOnnx((int) code);
    } catch (RuntimeException e) {
      throw ctx.error("attribute dtype is " + code + ", which is not an ONNX tensor type");
    }
    ctx.setOutputType(0, Sequences.sequenceOf(dtype));
    TensorSequence empty = new TensorSequence(dtype, List.of());
    return exec -> exec.setOutput(0, empty);
  }
}
