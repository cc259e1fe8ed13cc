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
 * CenterCropPad (opset 18): crops or zero-pads each of {@code axes} (default all) to the length in
 * {@code shape}, centred; when the difference is odd the extra element is cropped from, or padded
 * at, the end.
 */
final class CenterCropPadOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    long[] axes = ctx.attrInts("axes", null);
    long[] target = Args.constantLongs(ctx, 1, "input 'shape'");
    Shape in = ctx.inputShape(0);
    Shape out = in == null ? null : Shape.unknownDims(in.rank());
    if (in != null) {
      int[] ax = axesOf(axes, in.rank(), ctx::error);
      if (target != null) {
        check(target, ax, ctx::error);
        List<Dim> dims = new ArrayList<>(in.dims());
        for (int i = 0; i < ax.length; i++) {
          dims.set(ax[i], Dim.of(target[i]));
        }
        out = new Shape(dims);
      }
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = x.shape();
      long[] t = target != null ? target : Args.vector(exec.input(1), "input 'shape'", exec::error);
      int[] ax = axesOf(axes, s.length, exec::error);
      check(t, ax, exec::error);
      long[] full = new long[2 * s.length];
      for (int i = 0; i < ax.length; i++) {
        long diff = t[i] - s[ax[i]]; // > 0 pads, < 0 crops
        long begin = diff >= 0 ? diff / 2 : -((-diff) / 2);
        full[ax[i]] = begin;
        full[ax[i] + s.length] = diff - begin;
      }
      exec.setOutput(0, PadOp.pad(x, full, PadOp.Mode.CONSTANT, Elements.zero(x.dtype()), exec));
    };
  }

  private static int[] axesOf(long[] axes, int rank, Args.Errors err) {
    if (axes == null) {
      int[] r = new int[rank];
      for (int i = 0; i < rank; i++) {
        r[i] = i;
      }
      return r;
    }
    return Args.axes(axes, rank, "attribute 'axes'", err);
  }

  private static void check(long[] target, int[] axes, Args.Errors err) {
    if (target.length != axes.length) {
      throw err.error(
          "'shape' " + Arrays.toString(target) + " needs one entry per axis (" + axes.length + ")");
    }
    for (long v : target) {
      if (v < 0) {
        throw err.error("'shape' " + Arrays.toString(target) + " has a negative length");
      }
    }
  }
}
