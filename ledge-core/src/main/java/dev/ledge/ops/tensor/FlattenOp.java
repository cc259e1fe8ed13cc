package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * Flatten: a 2-D view {@code [d_0 * ... * d_{axis-1}, d_axis * ... * d_{r-1}]}. {@code axis}
 * (default 1) is in [0, r]; negative values count from the end from opset 11.
 */
final class FlattenOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    long axis = ctx.attrInt("axis", 1);
    boolean negativeAllowed = ctx.opsetVersion() >= 11;
    Shape in = ctx.inputShape(0);
    if (in != null) {
      normalize(axis, in.rank(), negativeAllowed, ctx::error);
    }
    ctx.setOutput(0, ctx.inputDType(0), staticShape(in, axis, negativeAllowed, ctx));
    return exec -> {
      Tensor x = exec.input(0);
      Tensor view = ViewCache.find(exec, x, null);
      if (view != null) {
        exec.setOutput(0, view);
        return;
      }
      int[] s = x.shape();
      int a = normalize(axis, s.length, negativeAllowed, exec::error);
      // Products of dims can overflow only when the other side is empty; Args.dim reports it.
      long outer = 1;
      for (int i = 0; i < a; i++) {
        outer = Math.min(outer * s[i], Long.MAX_VALUE / Integer.MAX_VALUE);
      }
      long inner = 1;
      for (int i = a; i < s.length; i++) {
        inner = Math.min(inner * s[i], Long.MAX_VALUE / Integer.MAX_VALUE);
      }
      exec.setOutput(
          0,
          ViewCache.keep(
              exec,
              x,
              null,
              x.reshape(
                  Args.dim(outer, "flattened outer size", exec::error),
                  Args.dim(inner, "flattened inner size", exec::error))));
    };
  }

  private static int normalize(long axis, int rank, boolean negativeAllowed, Args.Errors err) {
    long lo = negativeAllowed ? -rank : 0;
    if (axis < lo || axis > rank) {
      throw err.error(
          "attribute 'axis' is " + axis + ", expected " + lo + ".." + rank + " for rank " + rank);
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  private static Shape staticShape(Shape in, long axis, boolean negativeAllowed, OpContext ctx) {
    if (in == null) {
      return Shape.unknownDims(2);
    }
    int a = normalize(axis, in.rank(), negativeAllowed, ctx::error);
    return new Shape(List.of(product(in, 0, a), product(in, a, in.rank())));
  }

  private static Dim product(Shape s, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      Dim d = s.dim(i);
      if (Args.is(d, 0)) {
        return Dim.of(0);
      }
      if (!d.isKnown()) {
        p = -1;
      } else if (p >= 0) {
        p *= d.value();
      }
    }
    return p >= 0 ? Dim.of(p) : Dim.unknown();
  }
}
