package dev.ledge.ops.nn;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * LpNormalization (opsets 1, 22): divides each vector along {@code axis} by its L1 (sum of absolute
 * values) or L2 norm. A zero vector stays zero, as the conformance data
 * (test_l2normalization_axis_0) and ONNX Runtime have it.
 */
final class LpNormalizationOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = FloatIo.requireFloat(ctx, 0);
    long axis = ctx.attrInt("axis", -1);
    long p = ctx.attrInt("p", 2);
    if (p != 1 && p != 2) {
      throw ctx.error("p is " + p + ", expected 1 or 2");
    }
    if (ctx.inputShape(0) != null) {
      int rank = ctx.inputShape(0).rank();
      if (rank == 0 || axis < -rank || axis >= rank) {
        throw ctx.error("axis " + axis + " is out of range for an input of rank " + rank);
      }
    }
    ctx.setOutput(0, t, ctx.inputShape(0));
    boolean l1 = p == 1;
    return exec -> run(exec, axis, l1);
  }

  private static void run(ExecContext ctx, long axisAttr, boolean l1) {
    Tensor x = ctx.input(0);
    int[] shape = x.shape();
    int rank = shape.length;
    if (rank == 0 || axisAttr < -rank || axisAttr >= rank) {
      throw ctx.error("axis " + axisAttr + " is out of range for an input of rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int outer = Shapes.size(Arrays.copyOfRange(shape, 0, axis));
    int len = shape[axis];
    int stride = Shapes.size(Arrays.copyOfRange(shape, axis + 1, rank));
    double[] xa = FloatIo.toDoubles(x);
    for (int o = 0; o < outer; o++) {
      for (int s = 0; s < stride; s++) {
        int base = o * len * stride + s;
        double norm = 0;
        for (int i = 0; i < len; i++) {
          double v = xa[base + i * stride];
          norm += l1 ? Math.abs(v) : v * v;
        }
        norm = l1 ? norm : Math.sqrt(norm);
        if (norm == 0) {
          continue; // all elements are zero: the result is the zero vector
        }
        for (int i = 0; i < len; i++) {
          xa[base + i * stride] /= norm;
        }
      }
    }
    FloatIo.store(xa, ctx.output(0, x.dtype(), shape));
  }
}
