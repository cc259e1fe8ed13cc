package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;

/**
 * ReverseSequence (opset 10): for each batch entry b (along {@code batch_axis}), reverses the first
 * {@code sequence_lens[b]} elements along {@code time_axis}; the rest are copied. The two axes are
 * 0 and 1 in either order.
 */
final class ReverseSequenceOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ctx.requireInputType(1, DType.INT64);
    long batchAxis = ctx.attrInt("batch_axis", 1);
    long timeAxis = ctx.attrInt("time_axis", 0);
    if (!((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0))) {
      throw ctx.error(
          "'batch_axis' and 'time_axis' must be 0 and 1 (either order), got "
              + batchAxis
              + " and "
              + timeAxis);
    }
    var in = ctx.inputShape(0);
    if (in != null && in.rank() < 2) {
      throw ctx.error("input must have rank >= 2, got " + in);
    }
    ctx.setOutput(0, ctx.inputDType(0), in);
    int ba = (int) batchAxis;
    int ta = (int) timeAxis;
    return exec -> {
      Tensor x = exec.input(0);
      Tensor lens = exec.input(1);
      int[] s = x.shape();
      if (s.length < 2) {
        throw exec.error("input must have rank >= 2, got " + x);
      }
      int batch = s[ba];
      int time = s[ta];
      if (lens.rank() != 1 || lens.size() != batch) {
        throw exec.error("'sequence_lens' must be 1-D with " + batch + " entries, got " + lens);
      }
      Tensor y = exec.output(0, x.dtype(), s);
      int[] st = Shapes.strides(s);
      int inner = st[1];
      for (int b = 0; b < batch; b++) {
        long len = lens.getLong(b);
        if (len < 0 || len > time) {
          throw exec.error("sequence_lens[" + b + "] is " + len + ", expected 0.." + time);
        }
        for (int t = 0; t < time; t++) {
          int from = t < len ? (int) (len - 1 - t) : t;
          Elements.copy(x, b * st[ba] + from * st[ta], y, b * st[ba] + t * st[ta], inner);
        }
      }
    };
  }
}
