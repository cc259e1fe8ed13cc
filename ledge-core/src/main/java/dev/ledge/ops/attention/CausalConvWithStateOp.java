package dev.ledge.ops.attention;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * CausalConvWithState (opset 27): depthwise causal 1-D convolution with a carried state. The input
 * {@code (batch, channels, length)} is left-padded with {@code past_state} {@code (batch, channels,
 * k-1)} (zeros when absent), convolved with {@code weight} {@code (channels, 1, k)} plus {@code
 * bias}, and optionally passed through SiLU ({@code activation} silu or swish). The new state is
 * the last k-1 positions of the padded input.
 *
 * <p>As in the ONNX reference, the convolution result is rounded to the input type before the
 * activation, which is computed in (at least) float32 and rounded again.
 */
final class CausalConvWithStateOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 27) {
      throw ctx.error(
          "CausalConvWithState exists from opset 27, the model imports " + ctx.opsetVersion());
    }
    ctx.requireInputCount(2, 4);
    DType t = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    for (int i = 1; i < 4; i++) {
      if (i < 2 || ctx.hasInput(i)) {
        DType ti = ctx.requireInputType(i, FloatIo.FLOAT_TYPES);
        if (t != null && ti != null && ti != t) {
          throw ctx.error("input " + i + " has type " + ti + ", expected " + t);
        }
      }
    }
    String act = ctx.attrString("activation", "none");
    boolean silu =
        switch (act) {
          case "none" -> false;
          case "silu", "swish" -> true;
          default ->
              throw ctx.error(
                  "activation '" + act + "' is not valid, expected none, silu or swish");
        };
    Shape xs = ctx.inputShape(0);
    Shape ws = ctx.inputShape(1);
    if (xs != null && xs.rank() != 3) {
      throw ctx.error("input has rank " + xs.rank() + ", expected 3 (batch, channels, length)");
    }
    if (ws != null && ws.rank() != 3) {
      throw ctx.error("weight has rank " + ws.rank() + ", expected 3 (channels, 1, k)");
    }
    ctx.setOutput(0, t, xs);
    Shape state = null;
    if (xs != null && ws != null) {
      Dim k = ws.dim(2);
      state =
          new Shape(
              List.of(xs.dim(0), xs.dim(1), k.isKnown() ? Dim.of(k.value() - 1) : Dim.unknown()));
    }
    ctx.setOutput(1, t, state);
    return exec -> run(exec, silu);
  }

  private static void run(ExecContext ctx, boolean silu) {
    Tensor x = ctx.input(0);
    Tensor w = ctx.input(1);
    Tensor bias = ctx.input(2);
    Tensor past = ctx.input(3);
    if (x.rank() != 3) {
      throw ctx.error("input has shape " + Arrays.toString(x.shape()) + ", expected rank 3");
    }
    int b = x.dim(0);
    int c = x.dim(1);
    int len = x.dim(2);
    if (w.rank() != 3 || w.dim(0) != c || w.dim(1) != 1 || w.dim(2) < 1) {
      throw ctx.error(
          "weight has shape " + Arrays.toString(w.shape()) + ", expected [" + c + ", 1, k >= 1]");
    }
    int k = w.dim(2);
    if (bias != null && !bias.hasShape(c)) {
      throw ctx.error("bias has shape " + Arrays.toString(bias.shape()) + ", expected [" + c + "]");
    }
    if (past != null && !past.hasShape(b, c, k - 1)) {
      throw ctx.error(
          "past_state has shape "
              + Arrays.toString(past.shape())
              + ", expected ["
              + b
              + ", "
              + c
              + ", "
              + (k - 1)
              + "]");
    }
    DType t = x.dtype();
    double[] xd = FloatIo.read(x);
    double[] wd = FloatIo.read(w);
    double[] bd = bias != null ? FloatIo.read(bias) : null;
    double[] pd = past != null ? FloatIo.read(past) : null;
    int padded = len + k - 1;
    double[] row = new double[padded];
    Tensor y = ctx.output(0, t, new int[] {b, c, len});
    Tensor state = ctx.output(1, t, new int[] {b, c, k - 1});
    double[] yd = new double[y.size()];
    double[] sd = new double[state.size()];
    for (int bi = 0; bi < b; bi++) {
      for (int ci = 0; ci < c; ci++) {
        int bc = bi * c + ci;
        if (pd != null) {
          System.arraycopy(pd, bc * (k - 1), row, 0, k - 1);
        } else {
          Arrays.fill(row, 0, k - 1, 0);
        }
        System.arraycopy(xd, bc * len, row, k - 1, len);
        for (int i = 0; i < len; i++) {
          double acc = bd != null ? bd[ci] : 0;
          for (int j = 0; j < k; j++) {
            acc += wd[ci * k + j] * row[i + j];
          }
          if (silu) {
            double conv = FloatIo.round(t, acc);
            acc = conv / (1 + Math.exp(-conv));
          }
          yd[bc * len + i] = acc;
        }
        System.arraycopy(row, padded - (k - 1), sd, bc * (k - 1), k - 1);
      }
    }
    FloatIo.write(yd, y);
    FloatIo.write(sd, state);
  }
}
