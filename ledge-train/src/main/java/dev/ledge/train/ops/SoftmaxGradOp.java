package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * {@code SoftmaxGrad(dy, y)} = y * (dy - sum(dy * y)) and {@code LogSoftmaxGrad(dy, y)} = dy -
 * exp(y) * sum(dy), sums along {@code axis}. With {@code coerce2d=1} (Softmax before opset 13) the
 * dims from {@code axis} on are one flattened axis.
 */
final class SoftmaxGradOp implements Operator {
  private final boolean log;

  SoftmaxGradOp(boolean log) {
    this.log = log;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t = FloatTypes.same(ctx, 0, 1);
    long axis = ctx.attrInt("axis", -1);
    boolean coerce = ctx.attrInt("coerce2d", 0) != 0;
    ctx.setOutput(0, t, ctx.inputShape(0));
    return exec -> run(exec, axis, coerce);
  }

  private void run(ExecContext ctx, long axisAttr, boolean coerce) {
    Tensor dy = ctx.input(0);
    Tensor y = ctx.input(1);
    FloatTypes.sameType(ctx, dy, y);
    FloatTypes.sameShape(ctx, dy, y, log ? "LogSoftmaxGrad" : "SoftmaxGrad");
    int[] s = dy.shape();
    int rank = s.length;
    if (axisAttr < -rank || axisAttr >= Math.max(rank, 1)) {
      throw ctx.error("axis " + axisAttr + " is out of range for rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= s[i];
    }
    int len = 1;
    int inner = 1;
    if (coerce) {
      for (int i = axis; i < rank; i++) {
        len *= s[i];
      }
    } else if (rank > 0) {
      len = s[axis];
      for (int i = axis + 1; i < rank; i++) {
        inner *= s[i];
      }
    }
    Tensor dx = ctx.output(0, dy.dtype(), s);
    if (dy.dtype() == DType.FLOAT32) {
      float[] g = dy.floats();
      float[] a = y.floats();
      float[] o = dx.floats();
      int go = dy.offset();
      int ao = y.offset();
      int oo = dx.offset();
      for (int p = 0; p < outer; p++) {
        for (int q = 0; q < inner; q++) {
          int base = p * len * inner + q;
          double sum = 0;
          for (int k = 0; k < len; k++) {
            int i = base + k * inner;
            sum += log ? g[go + i] : (double) g[go + i] * a[ao + i];
          }
          float fs = (float) sum;
          for (int k = 0; k < len; k++) {
            int i = base + k * inner;
            o[oo + i] =
                log ? g[go + i] - (float) Math.exp(a[ao + i]) * fs : a[ao + i] * (g[go + i] - fs);
          }
        }
      }
    } else {
      double[] g = dy.doubles();
      double[] a = y.doubles();
      double[] o = dx.doubles();
      int go = dy.offset();
      int ao = y.offset();
      int oo = dx.offset();
      for (int p = 0; p < outer; p++) {
        for (int q = 0; q < inner; q++) {
          int base = p * len * inner + q;
          double sum = 0;
          for (int k = 0; k < len; k++) {
            int i = base + k * inner;
            sum += log ? g[go + i] : g[go + i] * a[ao + i];
          }
          for (int k = 0; k < len; k++) {
            int i = base + k * inner;
            o[oo + i] = log ? g[go + i] - Math.exp(a[ao + i]) * sum : a[ao + i] * (g[go + i] - sum);
          }
        }
      }
    }
  }
}
