package dev.ledge.ops.tensor;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/** Size: the input's element count as an int64 scalar (a constant when the shape is static). */
final class SizeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    int[] dims = Args.dims(ctx.inputShape(0));
    if (dims != null) {
      long n = 1;
      for (int d : dims) {
        n *= d;
      }
      ctx.setOutputConstant(0, Tensor.scalar(n));
    } else {
      ctx.setOutput(0, DType.INT64, Shape.of(new int[0]));
    }
    int[] scalar = {};
    return exec -> {
      Tensor y = exec.output(0, DType.INT64, scalar);
      y.longs()[y.offset()] = exec.input(0).size();
    };
  }
}
