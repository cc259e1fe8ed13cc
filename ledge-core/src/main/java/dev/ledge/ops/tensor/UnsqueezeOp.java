package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Unsqueeze: a view with size-1 axes inserted at the given positions of the output. The axes are an
 * attribute before opset 13 and an int64 input from opset 13; negative axes (opset 11) count from
 * the end of the output.
 */
final class UnsqueezeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    long[] axes;
    if (ctx.opsetVersion() < 13) {
      ctx.requireInputCount(1, 1);
      axes = ctx.attrInts("axes", null);
      if (axes == null) {
        throw ctx.error("missing required attribute 'axes'");
      }
    } else {
      Args.rejectMovedAttr(ctx, "axes", 13);
      ctx.requireInputCount(2, 2);
      axes = Args.constantLongs(ctx, 1, "input 'axes'");
    }
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null && axes != null) {
      boolean[] inserted = inserted(in.rank(), axes, ctx::error);
      List<Dim> dims = new ArrayList<>();
      int k = 0;
      for (boolean b : inserted) {
        dims.add(b ? Dim.of(1) : in.dim(k++));
      }
      out = new Shape(dims);
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    long[] fixed = axes;
    return exec -> {
      Tensor x = exec.input(0);
      Tensor arg = fixed != null ? null : exec.input(1);
      Tensor view = ViewCache.find(exec, x, arg);
      if (view != null) {
        exec.setOutput(0, view);
        return;
      }
      long[] a = fixed != null ? fixed : Args.vector(arg, "input 'axes'", exec::error);
      int[] s = x.shape();
      boolean[] ins = inserted(s.length, a, exec::error);
      int[] o = new int[ins.length];
      int k = 0;
      for (int i = 0; i < o.length; i++) {
        o[i] = ins[i] ? 1 : s[k++];
      }
      exec.setOutput(0, ViewCache.keep(exec, x, arg, x.reshape(o)));
    };
  }

  /** Which output axes are the inserted ones. */
  private static boolean[] inserted(int inRank, long[] axes, Args.Errors err) {
    int outRank = inRank + axes.length;
    boolean[] r = new boolean[outRank];
    for (int a : Args.axes(axes, outRank, "axis", err)) {
      r[a] = true;
    }
    return r;
  }
}
