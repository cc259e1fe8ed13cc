package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Concat: joins tensors of equal rank along {@code axis}; every other dim must match. {@code axis}
 * is required from opset 4 (default 1 before) and may be negative from opset 11.
 */
final class ConcatOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    int n = ctx.inputCount();
    if (n < 1) {
      throw ctx.error("needs at least one input");
    }
    for (int i = 0; i < n; i++) {
      if (!ctx.hasInput(i)) {
        throw ctx.error("input " + i + " is missing");
      }
    }
    long axis;
    if (ctx.opsetVersion() < 4) {
      axis = ctx.attrInt("axis", 1);
    } else {
      axis = ctx.requireAttr("axis").asInt();
    }
    DType dtype = null;
    for (int i = 0; i < n; i++) {
      DType t = ctx.inputDType(i);
      if (dtype != null && t != null && t != dtype) {
        throw ctx.error("input " + i + " has type " + t + ", input 0 has " + dtype);
      }
      dtype = dtype == null ? t : dtype;
    }
    ctx.setOutput(0, dtype, staticShape(ctx, n, axis));
    return exec -> {
      Tensor first = exec.input(0);
      Layout l =
          exec.kernelState() instanceof Layout k && k.fits(exec, n) ? k : layout(exec, n, axis);
      Tensor y = exec.output(0, first.dtype(), l.out);
      int pos = 0;
      for (int i = 0; i < n; i++) {
        Tensor t = exec.input(i);
        int row = t.dim(l.axis) * l.inner;
        for (int o = 0; o < l.outer; o++) {
          Elements.copy(t, o * row, y, o * l.rowOut + pos, row);
        }
        pos += row;
      }
    };
  }

  /** Output shape and copy geometry for given input shapes (the node's state between runs). */
  private static final class Layout {
    final int[][] inputs;
    final DType dtype;
    final int axis;
    final int[] out;
    final int outer;
    final int inner;
    final int rowOut;

    Layout(int[][] inputs, DType dtype, int axis, int[] out) {
      this.inputs = inputs;
      this.dtype = dtype;
      this.axis = axis;
      this.out = out;
      int o = 1;
      for (int d = 0; d < axis; d++) {
        o *= out[d];
      }
      int in = 1;
      for (int d = axis + 1; d < out.length; d++) {
        in *= out[d];
      }
      this.outer = o;
      this.inner = in;
      this.rowOut = out[axis] * in;
    }

    boolean fits(ExecContext exec, int n) {
      for (int i = 0; i < n; i++) {
        Tensor t = exec.input(i);
        if (t.dtype() != dtype || !t.hasShape(inputs[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private static Layout layout(ExecContext exec, int n, long axis) {
    Tensor first = exec.input(0);
    int rank = first.rank();
    int a = axisOf(axis, rank, exec::error);
    int[] out = first.shape();
    out[a] = 0;
    long total = 0;
    int[][] shapes = new int[n][];
    for (int i = 0; i < n; i++) {
      Tensor t = exec.input(i);
      int[] s = t.shape();
      shapes[i] = s;
      if (t.dtype() != first.dtype() || s.length != rank) {
        throw exec.error("input " + i + " is " + t + ", which does not concatenate with " + first);
      }
      for (int d = 0; d < rank; d++) {
        if (d != a && s[d] != out[d]) {
          throw exec.error(
              "input "
                  + i
                  + " has shape "
                  + Arrays.toString(s)
                  + ", which differs from input 0 "
                  + Arrays.toString(first.shape())
                  + " outside axis "
                  + a);
        }
      }
      total += s[a];
    }
    out[a] = Args.dim(total, "concatenated axis length", exec::error);
    Layout l = new Layout(shapes, first.dtype(), a, out);
    exec.setKernelState(l);
    return l;
  }

  private static int axisOf(long axis, int rank, Args.Errors err) {
    if (rank == 0) {
      throw err.error("cannot concatenate scalars");
    }
    return Args.axis(axis, rank, "attribute 'axis'", err);
  }

  private static Shape staticShape(OpContext ctx, int n, long axis) {
    Shape first = ctx.inputShape(0);
    if (first == null) {
      return null;
    }
    int rank = first.rank();
    int a = axisOf(axis, rank, ctx::error);
    List<Dim> dims = new ArrayList<>(first.dims());
    long total = 0;
    for (int i = 0; i < n; i++) {
      Shape s = ctx.inputShape(i);
      if (s == null) {
        total = -1;
        continue;
      }
      if (s.rank() != rank) {
        throw ctx.error("input " + i + " has rank " + s.rank() + ", input 0 has rank " + rank);
      }
      for (int d = 0; d < rank; d++) {
        if (d == a) {
          continue;
        }
        Dim x = s.dim(d);
        Dim y = dims.get(d);
        if (x.isKnown() && y.isKnown() && x.value() != y.value()) {
          throw ctx.error(
              "input "
                  + i
                  + " has shape "
                  + s
                  + ", which differs from "
                  + first
                  + " outside axis "
                  + a);
        }
        if (!y.isKnown() && x.isKnown()) {
          dims.set(d, x);
        }
      }
      Dim len = s.dim(a);
      total = total < 0 || !len.isKnown() ? -1 : total + len.value();
    }
    dims.set(a, total >= 0 ? Dim.of(total) : Dim.unknown());
    return new Shape(dims);
  }
}
