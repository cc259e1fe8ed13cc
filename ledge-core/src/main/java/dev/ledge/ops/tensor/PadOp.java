package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pad: adds {@code pads = [begin_0.., end_0..]} elements around the input (negative pads remove
 * elements first, and the rest is padded, as ONNX Runtime does). Modes: constant (the value), edge
 * (repeat the border), reflect (mirror without repeating the border; periodic for pads longer than
 * the axis, and like edge on an axis of one element, as numpy does), wrap (opset 19; periodic).
 * Pads and value are attributes before opset 11 ({@code paddings} in opset 1) and inputs from opset
 * 11; opset 18 adds an {@code axes} input.
 */
final class PadOp implements Operator {
  enum Mode {
    CONSTANT,
    EDGE,
    REFLECT,
    WRAP
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    long version = ctx.opsetVersion();
    DType dtype = ctx.inputDType(0);
    String modeName = ctx.attrString("mode", "constant");
    Mode mode =
        switch (modeName) {
          case "constant" -> Mode.CONSTANT;
          case "edge" -> Mode.EDGE;
          case "reflect" -> Mode.REFLECT;
          case "wrap" -> {
            if (version < 19) {
              throw ctx.error("mode \"wrap\" needs opset 19 or later");
            }
            yield Mode.WRAP;
          }
          default ->
              throw ctx.error(
                  "attribute 'mode' is \""
                      + modeName
                      + "\", expected constant, edge, reflect or wrap");
        };
    long[] pads;
    long[] axes = null;
    Tensor value = null;
    boolean dynamicPads = false;
    boolean dynamicAxes = false;
    if (version < 11) {
      ctx.requireInputCount(1, 1);
      pads = ctx.attrInts(version < 2 ? "paddings" : "pads", null);
      if (pads == null) {
        throw ctx.error("missing required attribute '" + (version < 2 ? "paddings" : "pads") + "'");
      }
      if (dtype != null) {
        value = constant(ctx.attrFloat("value", 0f), dtype);
      }
    } else {
      Args.rejectMovedAttr(ctx, "pads", 11);
      Args.rejectMovedAttr(ctx, "value", 11);
      ctx.requireInputCount(2, version >= 18 ? 4 : 3);
      pads = Args.constantLongs(ctx, 1, "input 'pads'");
      dynamicPads = pads == null;
      if (version >= 18 && ctx.hasInput(3)) {
        axes = Args.constantLongs(ctx, 3, "input 'axes'");
        dynamicAxes = axes == null;
      }
    }
    Shape in = ctx.inputShape(0);
    Shape out = in == null ? null : Shape.unknownDims(in.rank());
    if (in != null && !dynamicPads && !dynamicAxes) {
      long[] full = fullPads(pads, axes, in.rank(), ctx::error);
      List<Dim> dims = new ArrayList<>();
      for (int d = 0; d < in.rank(); d++) {
        Dim x = in.dim(d);
        long n = x.isKnown() ? x.value() + full[d] + full[d + in.rank()] : -1;
        if (x.isKnown() && n < 0) {
          throw ctx.error(
              "pads "
                  + Arrays.toString(pads)
                  + " remove more than the "
                  + x.value()
                  + " elements of axis "
                  + d);
        }
        dims.add(n >= 0 ? Dim.of(n) : Dim.unknown());
      }
      out = new Shape(dims);
    }
    ctx.setOutput(0, dtype, out);
    long[] fixedPads = pads;
    long[] fixedAxes = axes;
    Tensor attrValue = value;
    boolean padsIn = dynamicPads;
    boolean axesIn = dynamicAxes;
    return exec -> {
      Tensor x = exec.input(0);
      Tensor padsInput = padsIn ? exec.input(1) : null;
      Tensor axesInput = axesIn ? exec.input(3) : null;
      Layout l =
          exec.kernelState() instanceof Layout k && k.fits(x, padsInput, axesInput) ? k : null;
      if (l == null) {
        long[] p = padsIn ? Args.vector(padsInput, "input 'pads'", exec::error) : fixedPads;
        long[] a = axesIn ? Args.vector(axesInput, "input 'axes'", exec::error) : fixedAxes;
        l =
            new Layout(
                x.shape(),
                padsIn ? p : null,
                axesIn ? a : null,
                plan(x, fullPads(p, a, x.rank(), exec::error), mode, exec),
                Elements.zero(x.dtype()));
        exec.setKernelState(l);
      }
      Tensor fill = attrValue;
      if (version >= 11) {
        fill = exec.hasInput(2) ? exec.input(2) : null;
        if (fill != null && (fill.size() != 1 || fill.dtype() != x.dtype())) {
          throw exec.error("'constant_value' must be one " + x.dtype() + " element, got " + fill);
        }
        fill = fill != null ? fill : l.zero();
      } else if (fill == null) {
        fill = constant(0f, x.dtype());
      }
      Tensor y = exec.output(0, x.dtype(), l.copy().outShape);
      l.copy().run(x, y, fill);
    };
  }

  /**
   * The copy for one input shape and run-time pads and axes (the node's state between runs).
   *
   * @param in the input shape
   * @param pads the run-time pads it was made for, or null
   * @param axes the run-time axes it was made for, or null
   * @param copy the copy
   * @param zero the default fill value
   */
  private record Layout(int[] in, long[] pads, long[] axes, OffsetCopy.Plan copy, Tensor zero) {
    boolean fits(Tensor x, Tensor padsInput, Tensor axesInput) {
      return x.hasShape(in)
          && x.dtype() == zero.dtype()
          && sameValues(padsInput, pads)
          && sameValues(axesInput, axes);
    }

    private static boolean sameValues(Tensor t, long[] v) {
      if (t == null || v == null) {
        return t == null && v == null;
      }
      if (t.size() != v.length) {
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

  /** The value attribute converted to the data type, as numpy's pad does. */
  private static Tensor constant(float v, DType dtype) {
    Tensor t = Tensor.allocate(dtype);
    new ElementCast(DType.FLOAT32, dtype, true, "up").run(Tensor.scalar(v), t);
    return t;
  }

  /** Pads for every dim ([begins..., ends...]) from pads given for {@code axes} (or all dims). */
  static long[] fullPads(long[] pads, long[] axes, int rank, Args.Errors err) {
    int[] ax;
    if (axes == null) {
      ax = new int[rank];
      for (int i = 0; i < rank; i++) {
        ax[i] = i;
      }
    } else {
      ax = Args.axes(axes, rank, "pad axis", err);
    }
    if (pads.length != 2 * ax.length) {
      throw err.error(
          "pads "
              + Arrays.toString(pads)
              + " must have "
              + 2 * ax.length
              + " entries (2 per padded axis)");
    }
    long[] full = new long[2 * rank];
    for (int i = 0; i < ax.length; i++) {
      full[ax[i]] = pads[i];
      full[ax[i] + rank] = pads[i + ax.length];
    }
    return full;
  }

  /** {@code x} padded by {@code full} pads in {@code mode}; output 0 of the node. */
  static Tensor pad(Tensor x, long[] full, Mode mode, Tensor fill, dev.ledge.ops.ExecContext exec) {
    OffsetCopy.Plan copy = plan(x, full, mode, exec);
    Tensor y = exec.output(0, x.dtype(), copy.outShape);
    copy.run(x, y, fill);
    return y;
  }

  /** The copy that pads {@code x} by {@code full} pads in {@code mode}. */
  static OffsetCopy.Plan plan(Tensor x, long[] full, Mode mode, dev.ledge.ops.ExecContext exec) {
    int[] s = x.shape();
    int r = s.length;
    int[] st = Shapes.strides(s);
    int[] o = new int[r];
    int[][] tables = new int[r][];
    for (int d = 0; d < r; d++) {
      long begin = full[d];
      long end = full[d + r];
      long len = s[d] + begin + end;
      o[d] = Args.dim(len, "padded length of axis " + d, exec::error);
      // Negative pads crop first; the remaining [lo, lo + n) is then padded in the mode.
      long lo = Math.max(0, -begin);
      long n = Math.max(0, s[d] - lo - Math.max(0, -end));
      long padBegin = Math.max(0, begin);
      if (mode != Mode.CONSTANT && n == 0 && len > 0) {
        throw exec.error(
            "cannot pad the empty axis " + d + " in mode " + mode.name().toLowerCase());
      }
      tables[d] = new int[o[d]];
      for (int i = 0; i < o[d]; i++) {
        long c = i - padBegin;
        long src =
            c >= 0 && c < n
                ? c
                : switch (mode) {
                  case CONSTANT -> -1;
                  case EDGE -> Math.max(0, Math.min(n - 1, c));
                  case WRAP -> Math.floorMod(c, n);
                  case REFLECT -> reflect(c, n);
                };
        src = src < 0 ? -1 : src + lo;
        tables[d][i] = src < 0 ? OffsetCopy.OUTSIDE : (int) (src * st[d]);
      }
    }
    Args.size(o, exec::error);
    return new OffsetCopy.Plan(tables, o);
  }

  private static long reflect(long c, long n) {
    if (n == 1) {
      return 0;
    }
    long period = 2 * (n - 1);
    long m = Math.floorMod(c, period);
    return m < n ? m : period - m;
  }
}
