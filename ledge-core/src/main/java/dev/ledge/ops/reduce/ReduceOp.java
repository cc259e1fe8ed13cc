package dev.ledge.ops.reduce;

import dev.ledge.LedgeException;
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
import java.util.function.Function;

/**
 * The Reduce* operators (see {@link ReduceKind}), every opset version: {@code axes} is an attribute
 * before {@link ReduceKind#axesInputSince()} and an optional int64 input from then on, where {@code
 * noop_with_empty_axes} decides whether empty axes mean "all axes" or "none". Reducing over no axes
 * still applies the element map and finish (ReduceSumSquare squares, ReduceL1 takes absolute
 * values, ...), as the ONNX spec has said since its noop_with_empty_axes clarification.
 *
 * <p>Types: float32, float64, float16 and bfloat16; all 8- to 64-bit integer types (exact); bool
 * for ReduceMax and ReduceMin from opset 20. ReduceLogSum and ReduceLogSumExp are defined through
 * Log and Exp and are rejected for integers (the ONNX reference does the same).
 */
final class ReduceOp implements Operator {
  private final ReduceKind kind;

  ReduceOp(ReduceKind kind) {
    this.kind = kind;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    boolean axesInput = ctx.opsetVersion() >= kind.axesInputSince();
    ctx.requireInputCount(1, axesInput ? 2 : 1);
    DType t = ctx.requireInputType(0);
    checkType(ctx, t);
    boolean keepdims = ctx.attrInt("keepdims", 1) != 0;
    boolean noop = false;
    long[] axes = null;
    boolean axesKnown = true;
    if (axesInput) {
      if (ctx.hasAttr("axes")) {
        throw ctx.error(
            "'axes' is an input, not an attribute, from opset "
                + kind.axesInputSince()
                + " (model imports opset "
                + ctx.opsetVersion()
                + ")");
      }
      noop = ctx.attrInt("noop_with_empty_axes", 0) != 0;
      if (ctx.hasInput(1)) {
        ctx.requireInputType(1, DType.INT64);
        Tensor c = ctx.constantInput(1);
        if (c != null) {
          axes = axesOf(c, ctx::error);
        } else {
          axesKnown = false;
        }
      }
    } else {
      axes = ctx.attrInts("axes", null);
    }
    Shape inShape = ctx.inputShape(0);
    Shape outShape = null;
    if (inShape != null) {
      if (axesKnown) {
        boolean[] reduced = reducedAxes(axes, inShape.rank(), noop, ctx::error);
        outShape = outputShape(inShape, reduced, keepdims);
      } else if (keepdims) {
        outShape = Shape.unknownDims(inShape.rank());
      }
    }
    ctx.setOutput(0, t, outShape);
    long[] fixedAxes = axes;
    boolean axesAtRunTime = !axesKnown;
    boolean noopEmpty = noop;
    return exec -> execute(exec, axesAtRunTime, fixedAxes, noopEmpty, keepdims);
  }

  private void checkType(OpContext ctx, DType t) {
    if (t == null) {
      return;
    }
    if (t.isFloatingPoint() && t.bits() >= 16) {
      return;
    }
    boolean integer = t.isInteger() && t.bits() >= 8;
    boolean bool = t == DType.BOOL;
    if ((kind == ReduceKind.LOG_SUM || kind == ReduceKind.LOG_SUM_EXP) && (integer || bool)) {
      throw ctx.unsupported(
          kind.opType()
              + " of "
              + t
              + ": the op is defined through Log and Exp, which ONNX defines for floats only");
    }
    if (integer) {
      return;
    }
    if (bool && (kind == ReduceKind.MAX || kind == ReduceKind.MIN)) {
      if (ctx.opsetVersion() < 20) {
        throw ctx.error(
            kind.opType() + " accepts bool from opset 20; model imports " + ctx.opsetVersion());
      }
      return;
    }
    throw ctx.error(
        "input 0 has type "
            + t
            + ", expected float32, float64, float16, bfloat16 or an 8- to 64-bit integer type");
  }

  private void execute(
      ExecContext exec, boolean axesAtRunTime, long[] fixedAxes, boolean noop, boolean keepdims) {
    Tensor x = exec.input(0);
    Tensor axesInput = axesAtRunTime && exec.hasInput(1) ? exec.input(1) : null;
    Plan p = exec.kernelState() instanceof Plan k && k.fits(x, axesInput) ? k : null;
    if (p == null) {
      long[] axes = axesInput != null ? axesOf(axesInput, exec::error) : fixedAxes;
      int[] shape = x.shape();
      boolean[] reduced = reducedAxes(axes, shape.length, noop, exec::error);
      p =
          new Plan(
              shape,
              axesInput == null ? null : axes,
              new ReductionGeometry(shape, reduced),
              outputDims(shape, reduced, keepdims));
      exec.setKernelState(p);
    }
    ReductionGeometry geo = p.geo();
    Tensor y = exec.output(0, x.dtype(), p.out());
    if (x.dtype().isFloatingPoint()) {
      FloatReduction.reduce(x, geo, kind, y);
    } else if (!IntegerReduction.reduce(x, geo, kind, y)) {
      throw exec.error(
          "the mean of an empty set is undefined for "
              + x.dtype()
              + " (a reduced axis has size 0)");
    }
  }

  /**
   * Geometry and output shape for one input shape and run-time axes (the node's state between runs;
   * the geometry also holds the float kernel's scratch arrays).
   */
  private record Plan(int[] in, long[] axes, ReductionGeometry geo, int[] out) {
    boolean fits(Tensor x, Tensor axesInput) {
      if (!x.hasShape(in)) {
        return false;
      }
      if (axesInput == null || axes == null) {
        return axesInput == null && axes == null;
      }
      if (axesInput.size() != axes.length || axesInput.dtype() != DType.INT64) {
        return false;
      }
      for (int i = 0; i < axes.length; i++) {
        if (axesInput.getLong(i) != axes[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /** The values of an axes tensor (1-D int64; a scalar is accepted as one axis). */
  static long[] axesOf(Tensor t, Function<String, LedgeException> error) {
    if (t.dtype() != DType.INT64 || t.rank() > 1) {
      throw error.apply("axes must be a 1-D int64 tensor, got " + t);
    }
    return t.toLongArray();
  }

  /**
   * Which axes a reduction covers: all of them (or none, with {@code noop}) if {@code axes} is null
   * or empty, else the listed ones, which must be in range and distinct.
   */
  static boolean[] reducedAxes(
      long[] axes, int rank, boolean noop, Function<String, LedgeException> error) {
    boolean[] reduced = new boolean[rank];
    if (axes == null || axes.length == 0) {
      Arrays.fill(reduced, !noop);
      return reduced;
    }
    for (long a : axes) {
      if (a < -rank || a >= rank) {
        throw error.apply(
            "axis "
                + a
                + " is out of range for an input of rank "
                + rank
                + " (expected "
                + -rank
                + ".."
                + (rank - 1)
                + "); axes "
                + Arrays.toString(axes));
      }
      int i = (int) (a < 0 ? a + rank : a);
      if (reduced[i]) {
        throw error.apply("axes " + Arrays.toString(axes) + " name axis " + i + " twice");
      }
      reduced[i] = true;
    }
    return reduced;
  }

  static int[] outputDims(int[] shape, boolean[] reduced, boolean keepdims) {
    int rank = 0;
    for (boolean r : reduced) {
      rank += r && !keepdims ? 0 : 1;
    }
    int[] out = new int[rank];
    int k = 0;
    for (int i = 0; i < shape.length; i++) {
      if (!reduced[i]) {
        out[k++] = shape[i];
      } else if (keepdims) {
        out[k++] = 1;
      }
    }
    return out;
  }

  static Shape outputShape(Shape in, boolean[] reduced, boolean keepdims) {
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < in.rank(); i++) {
      if (!reduced[i]) {
        dims.add(in.dim(i));
      } else if (keepdims) {
        dims.add(Dim.of(1));
      }
    }
    return new Shape(dims);
  }
}
