package dev.ledge.ops.text;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Broadcast;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/** StringConcat (opset 20): element-wise concatenation of two string tensors, with broadcasting. */
final class StringConcatOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ctx.requireInputType(0, DType.STRING);
    ctx.requireInputType(1, DType.STRING);
    Shape a = ctx.inputShape(0);
    Shape b = ctx.inputShape(1);
    Shape out = Broadcast.staticShape(a, b);
    if (out == null && a != null && b != null) {
      throw ctx.error("input shapes " + a + " and " + b + " cannot be broadcast together");
    }
    ctx.setOutput(0, DType.STRING, out);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor y = exec.input(1);
      int[] shape = Shapes.broadcastOrNull(x.shape(), y.shape());
      if (shape == null) {
        throw exec.error(
            "input shapes "
                + Arrays.toString(x.shape())
                + " and "
                + Arrays.toString(y.shape())
                + " cannot be broadcast together");
      }
      int[] xi = Broadcast.indexMap(x.shape(), shape);
      int[] yi = Broadcast.indexMap(y.shape(), shape);
      Tensor z = exec.output(0, DType.STRING, shape);
      String[] xs = x.strings();
      String[] ys = y.strings();
      String[] zs = z.strings();
      int xo = x.offset();
      int yo = y.offset();
      int zo = z.offset();
      for (int i = 0; i < xi.length; i++) {
        zs[zo + i] = xs[xo + xi[i]].concat(ys[yo + yi[i]]);
      }
    };
  }
}
