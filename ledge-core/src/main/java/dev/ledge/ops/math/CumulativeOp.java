package dev.ledge.ops.math;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Set;

/**
 * CumSum and CumProd: running sum or product of x along the axis given by a scalar int32/int64
 * input. {@code exclusive=1} leaves the current element out (the first output is 0 or 1); {@code
 * reverse=1} runs from the end of the axis. Each step is rounded to the element type, as the
 * reference accumulates in the input's type; integers wrap.
 */
final class CumulativeOp implements Operator {
  private static final Set<DType> AXIS_TYPES = Set.of(DType.INT32, DType.INT64);

  private final BinaryFn fn;
  private final double identity;

  private CumulativeOp(BinaryFn fn, double identity) {
    this.fn = fn;
    this.identity = identity;
  }

  static CumulativeOp sum() {
    return new CumulativeOp(BinaryFunctions.ADD, 0);
  }

  static CumulativeOp product() {
    return new CumulativeOp(BinaryFunctions.MUL, 1);
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t = ElementTypes.require(ctx, 0, ElementTypes.NUMERIC);
    ElementTypes.require(ctx, 1, AXIS_TYPES);
    boolean exclusive = flag(ctx, "exclusive");
    boolean reverse = flag(ctx, "reverse");
    Shape axisShape = ctx.inputShape(1);
    if (axisShape != null
        && (axisShape.rank() > 1
            || (axisShape.rank() == 1
                && axisShape.dim(0).isKnown()
                && axisShape.dim(0).value() != 1))) {
      throw ctx.error("axis must be a scalar, got shape " + axisShape);
    }
    Tensor axisConst = ctx.constantInput(1);
    Shape xShape = ctx.inputShape(0);
    if (axisConst != null && axisConst.size() == 1 && xShape != null) {
      long a = axisConst.getLong(0);
      if (a < -xShape.rank() || a >= xShape.rank()) {
        throw ctx.error("axis " + a + " is out of range for input of rank " + xShape.rank());
      }
    }
    ctx.setOutput(0, t, xShape);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor axisT = exec.input(1);
      if (axisT.size() != 1 || axisT.rank() > 1) {
        throw exec.error("axis must be a scalar, got " + axisT);
      }
      int rank = x.rank();
      long a = axisT.getLong(0);
      if (a < -rank || a >= rank) {
        throw exec.error("axis " + a + " is out of range for input of rank " + rank);
      }
      int axis = (int) (a < 0 ? a + rank : a);
      int[] shape = x.shape();
      DType dt = x.dtype();
      Tensor out = exec.output(0, dt, shape);
      int len = shape[axis];
      int inner = 1;
      for (int d = axis + 1; d < rank; d++) {
        inner *= shape[d];
      }
      int outer = len == 0 || inner == 0 ? 0 : x.size() / (len * inner);
      Object xs = x.array();
      Object zs = out.array();
      int xo = x.offset();
      int oo = out.offset();
      for (int o = 0; o < outer; o++) {
        int base = o * len * inner;
        for (int s = 0; s < len; s++) {
          int j = reverse ? len - 1 - s : s; // position written
          int prev = reverse ? j + 1 : j - 1; // position accumulated so far
          int src = exclusive ? prev : j; // input element added at this step
          int at = base + j * inner;
          if (s == 0) {
            if (exclusive) {
              for (int k = 0; k < inner; k++) {
                out.setDouble(at + k, identity);
              }
            } else {
              System.arraycopy(xs, xo + at, zs, oo + at, inner);
            }
            continue;
          }
          ElementLoops.binary(
              fn,
              dt,
              zs,
              oo + base + prev * inner,
              1,
              xs,
              xo + base + src * inner,
              1,
              zs,
              oo + at,
              inner);
        }
      }
    };
  }

  private static boolean flag(OpContext ctx, String name) {
    long v = ctx.attrInt(name, 0);
    if (v != 0 && v != 1) {
      throw ctx.error("attribute '" + name + "' must be 0 or 1, got " + v);
    }
    return v == 1;
  }
}
