package dev.ledge.ops.nn;

import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.VectorSoftmax;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Softmax, LogSoftmax and Hardmax, every opset.
 *
 * <p>The axis semantics changed at opset 13. Before it (default axis 1) the input is seen as a 2-D
 * matrix [product of dims before axis, product of the rest] and each row of that matrix is
 * normalized; from opset 13 (default axis -1) only the single dim {@code axis} is. Both are
 * "vectors of {@code len} elements {@code stride} apart", with {@code stride == 1} before 13.
 *
 * <p>Softmax and LogSoftmax subtract the vector's maximum first and sum in double; with the SIMD
 * kernels, float32 runs through {@link VectorSoftmax} (float lanes, within a few ulps of this
 * reference; see SimdOpsTest). Hardmax puts 1 at the first maximum (a NaN counts as the maximum, as
 * numpy's argmax has it) and 0 elsewhere.
 */
final class SoftmaxOp implements Operator {
  private static final boolean SIMD = KernelProvider.current().simd();

  /** Which function. */
  enum Kind {
    SOFTMAX,
    LOG_SOFTMAX,
    HARDMAX
  }

  private final Kind kind;

  SoftmaxOp(Kind kind) {
    this.kind = kind;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = FloatIo.requireFloat(ctx, 0);
    boolean perAxis = ctx.opsetVersion() >= 13;
    long axis = ctx.attrInt("axis", perAxis ? -1 : 1);
    if (ctx.inputShape(0) != null) {
      int rank = ctx.inputShape(0).rank();
      if (axis < -rank || axis > (perAxis ? rank - 1 : rank) || (perAxis && rank == 0)) {
        throw ctx.error("axis " + axis + " is out of range for an input of rank " + rank);
      }
    }
    ctx.setOutput(0, t, ctx.inputShape(0));
    Kind k = kind;
    return exec -> run(exec, k, axis, perAxis);
  }

  /** The 2-D view of one input shape and a row buffer (the node's state between runs). */
  private record Rows(int[] shape, int outer, int len, int stride, double[] row) {}

  private static Rows rows(ExecContext ctx, Tensor x, long axisAttr, boolean perAxis) {
    if (ctx.kernelState() instanceof Rows r && x.hasShape(r.shape())) {
      return r;
    }
    int[] shape = x.shape();
    int rank = shape.length;
    // Before opset 13, axis == rank is allowed: the whole tensor is one row of the 2-D view.
    if (axisAttr < -rank || axisAttr > (perAxis ? rank - 1 : rank) || (perAxis && rank == 0)) {
      throw ctx.error("axis " + axisAttr + " is out of range for an input of rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int outer = Shapes.size(Arrays.copyOfRange(shape, 0, axis));
    int len;
    int stride;
    if (perAxis) {
      len = shape[axis];
      stride = Shapes.size(Arrays.copyOfRange(shape, axis + 1, rank));
    } else {
      len = Shapes.size(Arrays.copyOfRange(shape, axis, rank));
      stride = 1;
    }
    Rows r = new Rows(shape, outer, len, stride, new double[len]);
    ctx.setKernelState(r);
    return r;
  }

  private static void run(ExecContext ctx, Kind kind, long axisAttr, boolean perAxis) {
    Tensor x = ctx.input(0);
    Rows r = rows(ctx, x, axisAttr, perAxis);
    int outer = r.outer();
    int len = r.len();
    int stride = r.stride();
    Tensor y = ctx.outputLike(0, x.dtype(), x);
    if (SIMD
        && kind != Kind.HARDMAX
        && x.dtype() == DType.FLOAT32
        && VectorSoftmax.supports(outer, len, stride)) {
      VectorSoftmax.run(
          x.floats(),
          x.offset(),
          y.floats(),
          y.offset(),
          outer,
          len,
          stride,
          kind == Kind.LOG_SOFTMAX);
    } else if (x.dtype() == DType.FLOAT32) {
      float[] xa = x.floats();
      float[] ya = y.floats();
      int xo = x.offset();
      int yo = y.offset();
      double[] v = r.row();
      for (int o = 0; o < outer; o++) {
        for (int s = 0; s < stride; s++) {
          int base = o * len * stride + s;
          for (int i = 0; i < len; i++) {
            v[i] = xa[xo + base + i * stride];
          }
          apply(kind, v, len);
          for (int i = 0; i < len; i++) {
            ya[yo + base + i * stride] = (float) v[i];
          }
        }
      }
    } else {
      double[] xa = FloatIo.toDoubles(x);
      double[] v = new double[len];
      for (int o = 0; o < outer; o++) {
        for (int s = 0; s < stride; s++) {
          int base = o * len * stride + s;
          for (int i = 0; i < len; i++) {
            v[i] = xa[base + i * stride];
          }
          apply(kind, v, len);
          for (int i = 0; i < len; i++) {
            xa[base + i * stride] = v[i];
          }
        }
      }
      FloatIo.store(xa, y);
    }
  }

  /** Applies the function to {@code v[0 .. len)} in place. */
  static void apply(Kind kind, double[] v, int len) {
    if (len == 0) {
      return;
    }
    if (kind == Kind.HARDMAX) {
      int best = 0;
      for (int i = 1; i < len; i++) {
        if (!Double.isNaN(v[best]) && (v[i] > v[best] || Double.isNaN(v[i]))) {
          best = i;
        }
      }
      Arrays.fill(v, 0, len, 0);
      v[best] = 1;
      return;
    }
    // As in the ONNX reference (numpy): a NaN or infinite maximum makes the results NaN.
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      max = Math.max(max, v[i]);
    }
    double sum = 0;
    for (int i = 0; i < len; i++) {
      sum += Math.exp(v[i] - max);
    }
    if (kind == Kind.SOFTMAX) {
      for (int i = 0; i < len; i++) {
        v[i] = Math.exp(v[i] - max) / sum;
      }
    } else {
      double log = Math.log(sum);
      for (int i = 0; i < len; i++) {
        v[i] = v[i] - max - log;
      }
    }
  }
}
