package dev.ledge.ops.quant;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * DynamicQuantizeLinear (opset 11): quantizes a float32 tensor to uint8 with a scale and zero point
 * computed from its range, which is widened to include 0:
 *
 * <pre>
 * scale = (max(0, max(x)) - min(0, min(x))) / 255     (1 if that range is empty, i.e. x is all 0)
 * zero_point = round(clamp(0 - min(0, min(x)) / scale, 0, 255))
 * y = clamp(round(x / scale) + zero_point, 0, 255)
 * </pre>
 *
 * All arithmetic is float32 as the spec's function body does it; rounding is half to even. An empty
 * x has the range [0, 0], so scale 1 and zero point 0.
 */
final class DynamicQuantizeLinearOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ctx.requireInputType(0, DType.FLOAT32);
    ctx.setOutput(0, DType.UINT8, ctx.inputShape(0));
    ctx.setOutput(1, DType.FLOAT32, Shape.of(new int[0]));
    ctx.setOutput(2, DType.UINT8, Shape.of(new int[0]));
    return DynamicQuantizeLinearOp::execute;
  }

  private static void execute(ExecContext exec) {
    Tensor x = exec.input(0);
    float[] a = x.floats();
    int off = x.offset();
    int n = x.size();
    float max = 0;
    float min = 0;
    for (int i = 0; i < n; i++) {
      float v = a[off + i];
      // NaN propagates into the range, as numpy's max/min do.
      if (v > max || v != v) {
        max = v;
      }
      if (v < min || v != v) {
        min = v;
      }
    }
    float scale = max == min ? 1f : (max - min) / 255f;
    float zpFloat = 0f - min / scale;
    long zp = Quantization.saturateRound(Math.max(0f, Math.min(255f, zpFloat)), 0, 255);
    Tensor y = exec.output(0, DType.UINT8, x.shape());
    byte[] out = y.bytes();
    int yo = y.offset();
    for (int i = 0; i < n; i++) {
      float q = a[off + i] / scale;
      long v = q != q ? 0 : Quantization.saturateRound(Math.rint(q) + zp, 0, 255);
      out[yo + i] = (byte) v;
    }
    Tensor s = exec.output(1, DType.FLOAT32, new int[0]);
    s.setFloat(0, scale);
    Tensor z = exec.output(2, DType.UINT8, new int[0]);
    z.setLong(0, zp);
  }
}
