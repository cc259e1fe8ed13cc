package dev.ledge.ops.tensor;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * ConstantOfShape: a tensor of the shape given by a 1-D int64 input, every element equal to the
 * one-element {@code value} attribute (default float32 0). An empty shape gives a scalar.
 */
final class ConstantOfShapeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    Tensor value = ctx.attrTensor("value");
    if (value == null) {
      value = Tensor.scalar(0f);
    } else if (value.size() != 1) {
      throw ctx.error("attribute 'value' must have exactly one element, got " + value);
    }
    value = value.toHeap();
    long[] shape = Args.constantLongs(ctx, 0, "input 'input'");
    ctx.setOutput(0, value.dtype(), shape == null ? null : Shape.of(dims(shape, ctx::error)));
    Tensor v = value;
    return exec -> {
      long[] sh = shape != null ? shape : Args.vector(exec.input(0), "input 'input'", exec::error);
      int[] o = dims(sh, exec::error);
      Args.size(o, exec::error);
      Tensor y = exec.output(0, v.dtype(), o);
      Elements.fill(y, 0, y.size(), v);
    };
  }

  private static int[] dims(long[] shape, Args.Errors err) {
    int[] r = new int[shape.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Args.dim(shape[i], "dim " + i + " of the shape " + Arrays.toString(shape), err);
    }
    return r;
  }
}
