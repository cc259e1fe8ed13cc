package dev.ledge.ops.reduce;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * ArgMax and ArgMin (every opset version): the int64 index of the largest (smallest) element along
 * {@code axis}; ties go to the first index, or the last with {@code select_last_index} (opset 12+).
 * Like the ONNX reference (numpy), a NaN counts as more extreme than any number, so the first (or
 * last) NaN wins. Integers compare exactly (uint64 unsigned); reducing an axis of size 0 is an
 * error, there being no index to return.
 */
final class ArgExtremeOp implements Operator {
  private final boolean max;

  ArgExtremeOp(boolean max) {
    this.max = max;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = ctx.requireInputType(0);
    if (t != null
        && !((t.isFloatingPoint() && t.bits() >= 16) || (t.isInteger() && t.bits() >= 8))) {
      throw ctx.error(
          "input 0 has type "
              + t
              + ", expected float32, float64, float16, bfloat16 or an 8- to 64-bit integer type");
    }
    long axisAttr = ctx.attrInt("axis", 0);
    boolean keepdims = ctx.attrInt("keepdims", 1) != 0;
    boolean last = ctx.attrInt("select_last_index", 0) != 0;
    if (last && ctx.opsetVersion() < 12) {
      throw ctx.error(
          "select_last_index exists from opset 12; model imports " + ctx.opsetVersion());
    }
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      int axis = checkAxis(axisAttr, in.rank(), ctx);
      List<Dim> dims = new ArrayList<>();
      for (int i = 0; i < in.rank(); i++) {
        if (i != axis) {
          dims.add(in.dim(i));
        } else if (keepdims) {
          dims.add(Dim.of(1));
        }
      }
      out = new Shape(dims);
    }
    ctx.setOutput(0, DType.INT64, out);
    return exec -> execute(exec, axisAttr, keepdims, last);
  }

  private static int checkAxis(long axis, int rank, OpContext ctx) {
    if (axis < -rank || axis >= rank) {
      throw ctx.error(
          "axis "
              + axis
              + " is out of range for an input of rank "
              + rank
              + " (expected "
              + -rank
              + ".."
              + (rank - 1)
              + ")");
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  private void execute(ExecContext exec, long axisAttr, boolean keepdims, boolean last) {
    Tensor x = exec.input(0);
    int[] shape = x.shape();
    int rank = shape.length;
    if (axisAttr < -rank || axisAttr >= rank) {
      throw exec.error("axis " + axisAttr + " is out of range for an input of rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape[i];
    }
    int n = shape[axis];
    int inner = 1;
    for (int i = axis + 1; i < rank; i++) {
      inner *= shape[i];
    }
    boolean[] reduced = new boolean[rank];
    reduced[axis] = true;
    Tensor y = exec.output(0, DType.INT64, ReduceOp.outputDims(shape, reduced, keepdims));
    if (n == 0 && y.size() > 0) {
      throw exec.error(
          (max ? "ArgMax" : "ArgMin") + " over axis " + axis + " of size 0 has no index to return");
    }
    long[] result = y.longs();
    int base = y.offset();
    boolean floating = x.dtype().isFloatingPoint();
    boolean unsigned64 = x.dtype() == DType.UINT64;
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int start = o * n * inner + i;
        result[base + o * inner + i] =
            floating
                ? bestFloat(x, start, n, inner, last)
                : bestInteger(x, start, n, inner, last, unsigned64);
      }
    }
  }

  private int bestFloat(Tensor x, int start, int n, int stride, boolean last) {
    boolean f32 = x.dtype() == DType.FLOAT32;
    float[] a = f32 ? x.floats() : null;
    int off = f32 ? x.offset() : 0;
    int best = 0;
    double bestValue = f32 ? a[off + start] : x.getDouble(start);
    for (int k = 1; k < n; k++) {
      int idx = start + k * stride;
      double v = f32 ? a[off + idx] : x.getDouble(idx);
      int c = compare(v, bestValue);
      if (c > 0 || (c == 0 && last)) {
        best = k;
        bestValue = v;
      }
    }
    return best;
  }

  /** Positive if {@code v} is more extreme than {@code best}; NaN is the most extreme value. */
  private int compare(double v, double best) {
    boolean vNaN = v != v;
    boolean bNaN = best != best;
    if (vNaN || bNaN) {
      return vNaN == bNaN ? 0 : vNaN ? 1 : -1;
    }
    if (v == best) {
      return 0;
    }
    return (v > best) == max ? 1 : -1;
  }

  private int bestInteger(Tensor x, int start, int n, int stride, boolean last, boolean unsigned) {
    int best = 0;
    long bestValue = x.getLong(start);
    for (int k = 1; k < n; k++) {
      long v = x.getLong(start + k * stride);
      int c = unsigned ? Long.compareUnsigned(v, bestValue) : Long.compare(v, bestValue);
      if (!max) {
        c = -c;
      }
      if (c > 0 || (c == 0 && last)) {
        best = k;
        bestValue = v;
      }
    }
    return best;
  }
}
