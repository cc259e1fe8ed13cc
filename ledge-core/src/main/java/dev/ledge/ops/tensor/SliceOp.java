package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Slice: {@code starts}, {@code ends}, {@code axes} (default all) and {@code steps} (default 1) are
 * attributes before opset 10 (no steps) and inputs from opset 10. Negative starts/ends count from
 * the end; they are then clamped to [0, dim] for positive steps and [-1, dim - 1] (start to dim -
 * 1) for negative steps, exactly as the spec says.
 */
final class SliceOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    boolean attrs = ctx.opsetVersion() < 10;
    long[][] args = new long[4][]; // starts, ends, axes, steps
    boolean[] dynamic = new boolean[4];
    if (attrs) {
      ctx.requireInputCount(1, 1);
      args[0] = ctx.attrInts("starts", null);
      args[1] = ctx.attrInts("ends", null);
      args[2] = ctx.attrInts("axes", null);
      if (args[0] == null || args[1] == null) {
        throw ctx.error("attributes 'starts' and 'ends' are required");
      }
    } else {
      for (String a : new String[] {"starts", "ends", "axes"}) {
        Args.rejectMovedAttr(ctx, a, 10);
      }
      ctx.requireInputCount(3, 5);
      String[] names = {"starts", "ends", "axes", "steps"};
      for (int i = 0; i < 4; i++) {
        if (ctx.hasInput(i + 1)) {
          args[i] = Args.constantLongs(ctx, i + 1, "input '" + names[i] + "'");
          dynamic[i] = args[i] == null;
        }
      }
    }
    Shape in = ctx.inputShape(0);
    Shape out = null;
    boolean anyDynamic = dynamic[0] || dynamic[1] || dynamic[2] || dynamic[3];
    if (in != null) {
      out = anyDynamic ? Shape.unknownDims(in.rank()) : staticShape(ctx, in, args);
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      Copy c = exec.kernelState() instanceof Copy k && k.fits(exec, x, dynamic) ? k : null;
      if (c == null) {
        long[][] a = new long[4][];
        for (int i = 0; i < 4; i++) {
          a[i] =
              dynamic[i]
                  ? Args.vector(exec.input(i + 1), "slice argument " + i, exec::error)
                  : args[i];
        }
        int[] s = x.shape();
        long[][] plan = plan(s, a, exec::error);
        int[] st = Shapes.strides(s);
        int[] o = new int[s.length];
        int[][] tables = new int[s.length][];
        for (int d = 0; d < s.length; d++) {
          o[d] = (int) plan[d][2];
          tables[d] = new int[o[d]];
          for (int i = 0; i < o[d]; i++) {
            tables[d][i] = (int) ((plan[d][0] + i * plan[d][1]) * st[d]);
          }
        }
        c = new Copy(s, a, new OffsetCopy.Plan(tables, o));
        exec.setKernelState(c);
      }
      c.copy.run(x, exec.output(0, x.dtype(), c.copy.outShape), null);
    };
  }

  /**
   * The copy for one input shape and run-time arguments (the node's state between runs).
   *
   * @param in the input shape
   * @param args starts, ends, axes, steps as used
   * @param copy the copy
   */
  private record Copy(int[] in, long[][] args, OffsetCopy.Plan copy) {
    boolean fits(ExecContext exec, Tensor x, boolean[] dynamic) {
      if (!x.hasShape(in)) {
        return false;
      }
      for (int i = 0; i < 4; i++) {
        if (dynamic[i] && !sameValues(exec.input(i + 1), args[i])) {
          return false;
        }
      }
      return true;
    }

    private static boolean sameValues(Tensor t, long[] v) {
      if (t == null || v == null || t.size() != v.length) {
        return false;
      }
      for (int i = 0; i < v.length; i++) {
        if (t.getLong(i) != v[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /** Per axis: {start, step, count} after normalization and clamping. */
  static long[][] plan(int[] dims, long[][] args, Args.Errors err) {
    long[] starts = args[0];
    long[] ends = args[1];
    int r = dims.length;
    if (starts.length != ends.length) {
      throw err.error("'starts' has " + starts.length + " entries but 'ends' has " + ends.length);
    }
    int[] axes;
    if (args[2] == null) {
      if (starts.length > r) {
        throw err.error("'starts' has " + starts.length + " entries for rank " + r);
      }
      axes = new int[starts.length];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    } else {
      if (args[2].length != starts.length) {
        throw err.error(
            "'axes' has " + args[2].length + " entries but 'starts' has " + starts.length);
      }
      axes = Args.axes(args[2], r, "slice axis", err);
    }
    long[] steps = args[3];
    if (steps != null && steps.length != starts.length) {
      throw err.error("'steps' has " + steps.length + " entries but 'starts' has " + starts.length);
    }
    long[][] plan = new long[r][];
    for (int d = 0; d < r; d++) {
      plan[d] = new long[] {0, 1, dims[d]};
    }
    for (int i = 0; i < axes.length; i++) {
      long dim = dims[axes[i]];
      long step = steps == null ? 1 : steps[i];
      if (step == 0) {
        throw err.error("'steps' " + Arrays.toString(steps) + " has a zero step");
      }
      long start = starts[i];
      long end = ends[i];
      if (start < 0) {
        start += dim;
      }
      if (end < 0) {
        end += dim;
      }
      long count;
      if (step > 0) {
        start = clamp(start, 0, dim);
        end = clamp(end, 0, dim);
        count = end > start ? (end - start - 1) / step + 1 : 0;
      } else {
        start = clamp(start, 0, dim - 1);
        end = clamp(end, -1, dim - 1);
        // -step would overflow for Long.MIN_VALUE; any step that large takes one element
        long stride = step == Long.MIN_VALUE ? Long.MAX_VALUE : -step;
        count = start > end ? (start - end - 1) / stride + 1 : 0;
      }
      plan[axes[i]] = new long[] {start, step, count};
    }
    return plan;
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static Shape staticShape(OpContext ctx, Shape in, long[][] args) {
    int r = in.rank();
    int[] dims = new int[r];
    boolean[] unknown = new boolean[r];
    for (int d = 0; d < r; d++) {
      Dim x = in.dim(d);
      unknown[d] = !x.isKnown();
      dims[d] = x.isKnown() ? (int) x.value() : 0;
    }
    long[][] plan = plan(dims, args, ctx::error);
    boolean[] sliced = new boolean[r];
    int[] axes = args[2] == null ? null : Args.axes(args[2], r, "slice axis", ctx::error);
    for (int i = 0; i < args[0].length; i++) {
      sliced[axes == null ? i : axes[i]] = true;
    }
    List<Dim> out = new ArrayList<>();
    for (int d = 0; d < r; d++) {
      if (!sliced[d]) {
        out.add(in.dim(d));
      } else {
        out.add(unknown[d] ? Dim.unknown() : Dim.of(plan[d][2]));
      }
    }
    return new Shape(out);
  }
}
