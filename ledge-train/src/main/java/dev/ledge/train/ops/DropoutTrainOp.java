package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * {@code Dropout(x, seed)} with attribute {@code ratio}: the training-mode dropout of training
 * graphs. Outputs {@code y = x * mask} and the scaled mask ({@code 1 / (1 - ratio)} where kept, 0
 * where dropped; x's type), which is also the gradient's multiplier.
 *
 * <p>Element {@code i} is kept when {@code u(i) >= ratio}, with {@code u(i)} the top 53 bits of
 * {@code splitmix64(k + i)} as a double in [0, 1), {@code k = splitmix64(seed ^
 * splitmix64(stream))}; the {@code stream} attribute tells the dropout nodes of one graph apart.
 * The seed is an int64 scalar input that the trainer changes every step, so masks differ between
 * steps yet are reproducible. (ONNX Dropout with a seed attribute draws the same mask every run,
 * and without one is not reproducible; neither suits training.)
 */
final class DropoutTrainOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    DType t = FloatTypes.require(ctx, 0);
    ctx.requireInputType(1, DType.INT64);
    double ratio = ctx.attrFloat("ratio", 0.5f);
    long stream = ctx.attrInt("stream", 0);
    if (!(ratio >= 0 && ratio < 1)) {
      throw ctx.error("ratio is " + ratio + ", expected a value in [0, 1)");
    }
    ctx.setOutput(0, t, ctx.inputShape(0));
    if (ctx.hasOutput(1)) {
      ctx.setOutput(1, t, ctx.inputShape(0));
    }
    return exec -> run(exec, ratio, stream);
  }

  private static void run(ExecContext ctx, double ratio, long stream) {
    Tensor x = ctx.input(0);
    Tensor seedT = ctx.input(1);
    if (seedT.size() != 1) {
      throw ctx.error("seed must be a scalar, got " + seedT);
    }
    long seed =
        dev.ledge.train.data.Splits.splitmix64(
            seedT.getLong(0) ^ dev.ledge.train.data.Splits.splitmix64(stream));
    int n = x.size();
    Tensor y = ctx.output(0, x.dtype(), x.shape());
    Tensor mask = ctx.hasOutput(1) ? ctx.output(1, x.dtype(), x.shape()) : null;
    double scale = 1 / (1 - ratio);
    if (x.dtype() == DType.FLOAT32) {
      float[] xa = x.floats();
      float[] ya = y.floats();
      float fs = (float) scale;
      for (int i = 0; i < n; i++) {
        float m = uniform(seed, i) >= ratio ? fs : 0f;
        ya[y.offset() + i] = xa[x.offset() + i] * m;
        if (mask != null) {
          mask.floats()[mask.offset() + i] = m;
        }
      }
    } else {
      double[] xa = x.doubles();
      double[] ya = y.doubles();
      for (int i = 0; i < n; i++) {
        double m = uniform(seed, i) >= ratio ? scale : 0;
        ya[y.offset() + i] = xa[x.offset() + i] * m;
        if (mask != null) {
          mask.doubles()[mask.offset() + i] = m;
        }
      }
    }
  }

  static double uniform(long seed, int i) {
    return (dev.ledge.train.data.Splits.splitmix64(seed + i) >>> 11) * 0x1.0p-53;
  }
}
