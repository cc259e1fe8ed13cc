package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Squeeze: a view without the given size-1 axes (all size-1 axes if none are given). The axes are
 * an attribute before opset 13 and an optional int64 input from opset 13.
 */
final class SqueezeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    long[] axes;
    boolean dynamic = false;
    if (ctx.opsetVersion() < 13) {
      ctx.requireInputCount(1, 1);
      axes = ctx.attrInts("axes", null);
      if (axes != null && axes.length == 0) {
        axes = null; // an empty attribute list means "all size-1 axes" (an empty input does not)
      }
    } else {
      Args.rejectMovedAttr(ctx, "axes", 13);
      ctx.requireInputCount(1, 2);
      axes = ctx.hasInput(1) ? Args.constantLongs(ctx, 1, "input 'axes'") : null;
      dynamic = ctx.hasInput(1) && axes == null;
    }
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null && !dynamic) {
      out = staticShape(ctx, in, axes);
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    long[] fixed = axes;
    boolean fromInput = dynamic;
    return exec -> {
      Tensor x = exec.input(0);
      Tensor arg = fromInput ? exec.input(1) : null;
      Tensor view = ViewCache.find(exec, x, arg);
      if (view == null) {
        long[] a = fromInput ? Args.vector(arg, "input 'axes'", exec::error) : fixed;
        view = ViewCache.keep(exec, x, arg, x.reshape(squeeze(x.shape(), a, exec::error)));
      }
      exec.setOutput(0, view);
    };
  }

  static int[] squeeze(int[] in, long[] axes, Args.Errors err) {
    boolean[] drop = new boolean[in.length];
    if (axes == null) {
      for (int i = 0; i < in.length; i++) {
        drop[i] = in[i] == 1;
      }
    } else {
      for (int a : Args.axes(axes, in.length, "axis", err)) {
        if (in[a] != 1) {
          throw err.error(
              "cannot squeeze axis "
                  + a
                  + " of shape "
                  + Arrays.toString(in)
                  + ": its size is not 1");
        }
        drop[a] = true;
      }
    }
    int[] out = new int[in.length];
    int k = 0;
    for (int i = 0; i < in.length; i++) {
      if (!drop[i]) {
        out[k++] = in[i];
      }
    }
    return Arrays.copyOf(out, k);
  }

  private static Shape staticShape(OpContext ctx, Shape in, long[] axes) {
    int r = in.rank();
    List<Dim> out = new ArrayList<>();
    if (axes == null) {
      for (Dim d : in.dims()) {
        if (!d.isKnown()) {
          return null; // whether it is 1 decides the rank
        }
        if (d.value() != 1) {
          out.add(d);
        }
      }
      return new Shape(out);
    }
    boolean[] drop = new boolean[r];
    for (int a : Args.axes(axes, r, "axis", ctx::error)) {
      Dim d = in.dim(a);
      if (d.isKnown() && d.value() != 1) {
        throw ctx.error("cannot squeeze axis " + a + " of shape " + in + ": its size is not 1");
      }
      drop[a] = true;
    }
    for (int i = 0; i < r; i++) {
      if (!drop[i]) {
        out.add(in.dim(i));
      }
    }
    return new Shape(out);
  }
}
