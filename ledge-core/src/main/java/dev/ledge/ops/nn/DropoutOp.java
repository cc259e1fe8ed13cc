package dev.ledge.ops.nn;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Dropout, every opset.
 *
 * <p>In inference the output is the input (no copy) and the mask is all true. Training mode is
 * {@code is_test=0} before opset 7, never for opsets 7 to 11 (they cannot express it), and the
 * {@code training_mode} input from opset 12. In training each element is kept when a uniform draw
 * in [0, 1) is {@code >= ratio}, and kept elements are scaled by {@code 1 / (1 - ratio)}.
 *
 * <p>With a {@code seed} (opset 12+) the draws are those of numpy's {@code RandomState(seed)}
 * ({@link Mt19937}), the generator of the ONNX reference implementation, so seeded results are
 * reproducible and match the conformance data; without one every run draws a fresh seed. The mask
 * output is bool from opset 10 and has the data's type (1 or 0) before.
 */
final class DropoutOp implements Operator {
  /** What prepare decided; {@code training} null means "read the training_mode input". */
  private record Params(
      Boolean training, float ratioAttr, boolean ratioInput, Long seed, DType maskType) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    long v = ctx.opsetVersion();
    ctx.requireInputCount(1, v >= 12 ? 3 : 1);
    DType t = FloatIo.requireFloat(ctx, 0);
    Boolean training;
    boolean ratioInput = false;
    Long seed = null;
    if (v >= 12) {
      if (ctx.hasInput(1)) {
        FloatIo.requireFloat(ctx, 1);
        ratioInput = true;
      }
      if (ctx.hasInput(2)) {
        ctx.requireInputType(2, DType.BOOL);
        Tensor tm = ctx.constantInput(2);
        training = tm == null ? null : tm.size() == 1 && tm.getBoolean(0);
        if (tm != null && tm.size() != 1) {
          throw ctx.error("training_mode must be a scalar, has " + tm.size() + " elements");
        }
      } else {
        training = false;
      }
      if (ctx.hasAttr("seed")) {
        long s = ctx.attrInt("seed", 0);
        if (s < 0 || s > 0xFFFF_FFFFL) {
          throw ctx.unsupported("seed " + s + " outside [0, 2^32) (numpy RandomState seeds)");
        }
        seed = s;
      }
    } else {
      training = v < 7 && ctx.attrInt("is_test", 0) == 0;
    }
    float ratio = ctx.attrFloat("ratio", 0.5f);
    if (!Boolean.FALSE.equals(training) && !ratioInput && !(ratio >= 0 && ratio < 1)) {
      throw ctx.error("ratio is " + ratio + ", expected a value in [0, 1)");
    }
    DType maskType = v >= 10 ? DType.BOOL : t;
    Shape xs = ctx.inputShape(0);
    ctx.setOutput(0, t, xs);
    if (ctx.outputCount() > 1) {
      ctx.setOutput(1, maskType, xs);
    }
    Params p = new Params(training, ratio, ratioInput, seed, maskType);
    return exec -> run(exec, p);
  }

  private static void run(ExecContext ctx, Params p) {
    Tensor x = ctx.input(0);
    boolean training = p.training() != null ? p.training() : readTraining(ctx);
    double ratio = p.ratioAttr();
    boolean ratioFloat = true;
    if (training && p.ratioInput()) {
      Tensor r = ctx.input(1);
      if (r.size() != 1) {
        throw ctx.error("ratio must be a scalar, has " + r.size() + " elements");
      }
      ratio = r.getDouble(0);
      ratioFloat = r.dtype() != DType.FLOAT64;
      if (!(ratio >= 0 && ratio < 1)) {
        throw ctx.error("ratio is " + ratio + ", expected a value in [0, 1)");
      }
    }
    boolean wantMask = ctx.outputCount() > 1 && ctx.hasOutput(1);
    int n = x.size();
    if (!training || ratio == 0) {
      ctx.setOutput(0, x);
      if (wantMask) {
        Tensor mask = ctx.output(1, p.maskType(), x.shape());
        for (int i = 0; i < n; i++) {
          mask.setLong(i, 1);
        }
      }
      return;
    }
    Mt19937 rng =
        new Mt19937(
            p.seed() != null ? p.seed() : ThreadLocalRandom.current().nextLong(0, 0x1_0000_0000L));
    // The reference computes the scale in the ratio's precision.
    double scale = ratioFloat ? 1f / (1f - (float) ratio) : 1 / (1 - ratio);
    Tensor y = ctx.outputLike(0, x.dtype(), x);
    Tensor mask = wantMask ? ctx.output(1, p.maskType(), x.shape()) : null;
    // y = mask * x * scale, as the reference computes it (a dropped NaN stays NaN).
    double[] xd = FloatIo.toDoubles(x);
    double[] yd = new double[n];
    boolean f32 = x.dtype() == DType.FLOAT32;
    float fs = (float) scale;
    for (int i = 0; i < n; i++) {
      boolean keep = rng.nextDouble() >= ratio;
      int m = keep ? 1 : 0;
      // float32 data rounds like float32 arithmetic.
      yd[i] = f32 ? m * (float) xd[i] * fs : m * xd[i] * scale;
      if (mask != null) {
        mask.setLong(i, m);
      }
    }
    FloatIo.store(yd, y);
  }

  private static boolean readTraining(ExecContext ctx) {
    if (!ctx.hasInput(2)) {
      return false;
    }
    Tensor tm = ctx.input(2);
    if (tm.size() != 1) {
      throw ctx.error("training_mode must be a scalar, has " + tm.size() + " elements");
    }
    return tm.getBoolean(0);
  }
}
