package dev.ledge.ops.quant;

import dev.ledge.LedgeException;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * ConvInteger (opset 10): the convolution of {@code x - x_zero_point} with {@code w - w_zero_point}
 * over int8/uint8 inputs, exact in int32 (see {@link IntegerConv}). {@code x_zero_point} is per
 * tensor; {@code w_zero_point} per tensor or one per output channel.
 */
final class ConvIntegerOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 4);
    DType x = ctx.requireInputType(0, DType.INT8, DType.UINT8);
    DType w = ctx.requireInputType(1, DType.INT8, DType.UINT8);
    MatMulIntegerOp.checkZeroPointType(ctx, 2, x);
    MatMulIntegerOp.checkZeroPointType(ctx, 3, w);
    IntegerConv.Attributes attrs = IntegerConv.Attributes.read(ctx);
    ctx.setOutput(
        0,
        DType.INT32,
        IntegerConv.staticShape(ctx.inputShape(0), ctx.inputShape(1), attrs, ctx::error));
    return exec -> {
      Tensor xt = exec.input(0);
      Tensor wt = exec.input(1);
      IntegerConv conv = IntegerConv.of(xt.shape(), wt.shape(), attrs, exec::error);
      int[] acc =
          conv.convolve(
              centeredInput(xt, exec.input(2), exec::error),
              centeredWeights(wt, exec.input(3), exec::error),
              null);
      Tensor y = exec.output(0, DType.INT32, conv.outShape());
      System.arraycopy(acc, 0, y.ints(), y.offset(), acc.length);
    };
  }

  /** X minus its (per-tensor) zero point. */
  static int[] centeredInput(Tensor x, Tensor zp, Function<String, LedgeException> error) {
    int z = 0;
    if (zp != null) {
      if (zp.size() != 1) {
        throw error.apply(
            "x_zero_point must be a single value (per tensor), got shape "
                + Arrays.toString(zp.shape()));
      }
      z = (int) zp.getLong(0);
    }
    int[] r = new int[x.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = (int) x.getLong(i) - z;
    }
    return r;
  }

  /** W minus its zero point: per tensor, or one per output channel (a 1-D tensor of length M). */
  static int[] centeredWeights(Tensor w, Tensor zp, Function<String, LedgeException> error) {
    int m = w.dim(0);
    int per = m == 0 ? 0 : w.size() / m;
    if (zp != null && zp.size() != 1 && (zp.rank() != 1 || zp.dim(0) != m)) {
      throw error.apply(
          "w_zero_point has shape "
              + Arrays.toString(zp.shape())
              + ", expected a single value or one per output channel ("
              + m
              + ")");
    }
    int[] r = new int[w.size()];
    for (int f = 0; f < m; f++) {
      int z = zp == null ? 0 : (int) zp.getLong(zp.size() == 1 ? 0 : f);
      for (int i = f * per; i < (f + 1) * per; i++) {
        r[i] = (int) w.getLong(i) - z;
      }
    }
    return r;
  }
}
