package dev.ledge.ops.attention;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * RotaryEmbedding (opset 23): rotates the first {@code rotary_embedding_dim} features of each head
 * by position-dependent angles, given as cos/sin caches. Input is 4-D {@code (batch, heads, seq,
 * head_size)} or 3-D {@code (batch, seq, heads*head_size)} with {@code num_heads}. With {@code
 * position_ids} {@code (batch, seq)} the caches are tables {@code (max_position, rot/2)}; without,
 * they are {@code (batch, seq, rot/2)}. Pairs are the two halves of the rotated part, or adjacent
 * features when {@code interleaved} is 1.
 */
final class RotaryEmbeddingOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 23) {
      throw ctx.error(
          "RotaryEmbedding exists from opset 23, the model imports " + ctx.opsetVersion());
    }
    ctx.requireInputCount(3, 4);
    DType t = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    for (int i = 1; i < 3; i++) {
      DType ci = ctx.requireInputType(i, FloatIo.FLOAT_TYPES);
      if (t != null && ci != null && ci != t) {
        throw ctx.error(
            "input " + i + " has type " + ci + ", expected the type of input (" + t + ")");
      }
    }
    if (ctx.hasInput(3)) {
      ctx.requireInputType(3, DType.INT64);
    }
    boolean interleaved = ctx.attrInt("interleaved", 0) != 0;
    long rotDim = ctx.attrInt("rotary_embedding_dim", 0);
    long numHeads = ctx.attrInt("num_heads", 0);
    if (rotDim < 0 || numHeads < 0 || rotDim > 1 << 24 || numHeads > 1 << 24) {
      throw ctx.error("rotary_embedding_dim/num_heads are " + rotDim + "/" + numHeads);
    }
    Shape s = ctx.inputShape(0);
    if (s != null && s.rank() != 3 && s.rank() != 4) {
      throw ctx.error("input has rank " + s.rank() + ", expected 3 or 4");
    }
    if (s != null && s.rank() == 3 && numHeads == 0) {
      throw ctx.error("a 3-D input needs the num_heads attribute");
    }
    ctx.setOutput(0, t, s);
    int rot = (int) rotDim;
    int heads = (int) numHeads;
    return exec -> run(exec, interleaved, rot, heads);
  }

  private static void run(ExecContext ctx, boolean interleaved, int rotAttr, int numHeads) {
    Tensor x = ctx.input(0);
    Tensor cosT = ctx.input(1);
    Tensor sinT = ctx.input(2);
    Tensor pos = ctx.input(3);
    int[] xs = x.shape();
    int batch;
    int seq;
    int heads;
    int head;
    if (xs.length == 4) {
      batch = xs[0];
      heads = xs[1];
      seq = xs[2];
      head = xs[3];
    } else if (xs.length == 3) {
      if (numHeads <= 0 || xs[2] % numHeads != 0) {
        throw ctx.error("hidden size " + xs[2] + " is not divisible by num_heads " + numHeads);
      }
      batch = xs[0];
      seq = xs[1];
      heads = numHeads;
      head = xs[2] / numHeads;
    } else {
      throw ctx.error("input has shape " + Arrays.toString(xs) + ", expected rank 3 or 4");
    }
    int rot = rotAttr == 0 ? head : rotAttr;
    if (rot > head || rot % 2 != 0) {
      throw ctx.error(
          "rotary_embedding_dim " + rot + " must be even and at most the head size " + head);
    }
    int half = rot / 2;
    long[] positions = null;
    int[] cs = cosT.shape();
    if (pos != null) {
      if (!pos.hasShape(batch, seq)) {
        throw ctx.error(
            "position_ids has shape "
                + Arrays.toString(pos.shape())
                + ", expected ["
                + batch
                + ", "
                + seq
                + "]");
      }
      if (cs.length != 2 || cs[1] != half) {
        throw cacheError(ctx, cs, "[max_position, " + half + "]");
      }
      positions = pos.toLongArray();
      for (long p : positions) {
        if (p < 0 || p >= cs[0]) {
          throw ctx.error("position id " + p + " is outside the cache of " + cs[0] + " rows");
        }
      }
    } else if (!cosT.hasShape(batch, seq, half)) {
      throw cacheError(ctx, cs, "[" + batch + ", " + seq + ", " + half + "]");
    }
    if (!Arrays.equals(sinT.shape(), cs)) {
      throw ctx.error(
          "sin_cache has shape "
              + Arrays.toString(sinT.shape())
              + ", expected the shape of cos_cache "
              + Arrays.toString(cs));
    }
    Tensor y = ctx.output(0, x.dtype(), xs);
    double[] xd = FloatIo.read(x);
    double[] cd = FloatIo.read(cosT);
    double[] sd = FloatIo.read(sinT);
    double[] yd = xd.clone();
    for (int b = 0; b < batch; b++) {
      for (int s = 0; s < seq; s++) {
        int row = positions != null ? (int) positions[b * seq + s] : b * seq + s;
        int cBase = row * half;
        for (int h = 0; h < heads; h++) {
          int base =
              xs.length == 4
                  ? ((b * heads + h) * seq + s) * head
                  : ((b * seq + s) * heads + h) * head;
          for (int i = 0; i < half; i++) {
            int i1 = interleaved ? base + 2 * i : base + i;
            int i2 = interleaved ? base + 2 * i + 1 : base + i + half;
            double c = cd[cBase + i];
            double sn = sd[cBase + i];
            double x1 = xd[i1];
            double x2 = xd[i2];
            yd[i1] = c * x1 - sn * x2;
            yd[i2] = sn * x1 + c * x2;
          }
        }
      }
    }
    FloatIo.write(yd, y);
  }

  private static RuntimeException cacheError(ExecContext ctx, int[] cs, String expected) {
    return ctx.error("cos_cache has shape " + Arrays.toString(cs) + ", expected " + expected);
  }
}
