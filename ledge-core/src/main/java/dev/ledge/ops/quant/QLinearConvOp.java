package dev.ledge.ops.quant;

import dev.ledge.LedgeException;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * QLinearConv (opset 10): an int32-exact convolution of {@code x - x_zero_point} with {@code w -
 * w_zero_point} plus the int32 bias {@code B}, requantized per output channel as {@code y =
 * saturate(round(acc * (x_scale * w_scale / y_scale)) + y_zero_point)}, rounding half to even. The
 * multiplier is computed in float32 (as the float32 scales' arithmetic gives it) and {@code acc *
 * multiplier} exactly in double, as in the ONNX reference. {@code w_scale} and {@code w_zero_point}
 * are per tensor or per output channel; the others per tensor.
 */
final class QLinearConvOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(8, 9);
    DType x = ctx.requireInputType(0, DType.INT8, DType.UINT8);
    DType w = ctx.requireInputType(3, DType.INT8, DType.UINT8);
    for (int i : new int[] {1, 4, 6}) {
      ctx.requireInputType(i, DType.FLOAT32);
    }
    MatMulIntegerOp.checkZeroPointType(ctx, 2, x);
    MatMulIntegerOp.checkZeroPointType(ctx, 5, w);
    DType yType = ctx.requireInputType(7, DType.INT8, DType.UINT8);
    if (ctx.hasInput(8)) {
      ctx.requireInputType(8, DType.INT32);
    }
    if (yType == null) {
      throw ctx.unsupported("the type of y_zero_point must be known at load time");
    }
    IntegerConv.Attributes attrs = IntegerConv.Attributes.read(ctx);
    ctx.setOutput(
        0, yType, IntegerConv.staticShape(ctx.inputShape(0), ctx.inputShape(3), attrs, ctx::error));
    return exec -> execute(exec, attrs, yType);
  }

  private static void execute(ExecContext exec, IntegerConv.Attributes attrs, DType yType) {
    Tensor x = exec.input(0);
    Tensor w = exec.input(3);
    IntegerConv conv = IntegerConv.of(x.shape(), w.shape(), attrs, exec::error);
    int m = conv.filters();
    float xScale = (float) single(exec.input(1), "x_scale", exec::error);
    float yScale = (float) single(exec.input(6), "y_scale", exec::error);
    double yZero = single(exec.input(7), "y_zero_point", exec::error);
    Tensor ws = exec.input(4);
    if (ws.size() != 1 && (ws.rank() != 1 || ws.dim(0) != m)) {
      throw exec.error(
          "w_scale has shape "
              + Arrays.toString(ws.shape())
              + ", expected a single value or one per output channel ("
              + m
              + ")");
    }
    int[] bias = null;
    Tensor b = exec.input(8);
    if (b != null) {
      if (b.rank() != 1 || b.dim(0) != m) {
        throw exec.error(
            "B has shape "
                + Arrays.toString(b.shape())
                + ", expected ["
                + m
                + "] (one per output channel)");
      }
      bias = Arrays.copyOfRange(b.ints(), b.offset(), b.offset() + m);
    }
    int[] acc =
        conv.convolve(
            ConvIntegerOp.centeredInput(x, exec.input(2), exec::error),
            ConvIntegerOp.centeredWeights(w, exec.input(5), exec::error),
            bias);
    double[] multiplier = new double[m];
    for (int f = 0; f < m; f++) {
      float product = xScale * ws.getFloat(ws.size() == 1 ? 0 : f);
      multiplier[f] = product / yScale;
    }
    int[] outShape = conv.outShape();
    Tensor y = exec.output(0, yType, outShape);
    long lo = Quantization.min(yType);
    long hi = Quantization.max(yType);
    int per = acc.length == 0 ? 0 : acc.length / (outShape[0] * m);
    for (int e = 0; e < acc.length; e++) {
      int f = (e / per) % m;
      y.setLong(e, Quantization.saturateRound((double) acc[e] * multiplier[f] + yZero, lo, hi));
    }
  }

  private static double single(Tensor t, String name, Function<String, LedgeException> error) {
    if (t.size() != 1) {
      throw error.apply(name + " must be a single value, got shape " + Arrays.toString(t.shape()));
    }
    return t.getDouble(0);
  }
}
