package dev.ledge.ops.tensor;

import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;

/**
 * TensorScatter (opset 24), a KV-cache update: a copy of {@code past_cache} where, for batch b,
 * positions {@code write_indices[b] + j} along {@code axis} (default -2, never the batch axis 0)
 * receive {@code update}'s positions j. In "circular" mode positions wrap modulo the cache length;
 * in "linear" mode they must fit. {@code write_indices} defaults to zeros.
 */
final class TensorScatterOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
    if (ctx.hasInput(2)) {
      ctx.requireInputType(2, DType.INT64);
    }
    DType dtype = ctx.inputDType(0);
    DType ut = ctx.inputDType(1);
    if (dtype != null && ut != null && ut != dtype) {
      throw ctx.error("'update' has type " + ut + ", 'past_cache' has " + dtype);
    }
    String mode = ctx.attrString("mode", "linear");
    if (!mode.equals("linear") && !mode.equals("circular")) {
      throw ctx.error("attribute 'mode' is \"" + mode + "\", expected \"linear\" or \"circular\"");
    }
    boolean circular = mode.equals("circular");
    long axis = ctx.attrInt("axis", -2);
    var cache = ctx.inputShape(0);
    if (cache != null) {
      axisOf(axis, cache.rank(), ctx::error);
    }
    ctx.setOutput(0, dtype, cache);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor upd = exec.input(1);
      int[] s = x.shape();
      int[] us = upd.shape();
      int a = axisOf(axis, s.length, exec::error);
      boolean ok = us.length == s.length && upd.dtype() == x.dtype();
      for (int d = 0; ok && d < s.length; d++) {
        ok = d == a ? us[d] <= s[d] : us[d] == s[d];
      }
      if (!ok) {
        throw exec.error(
            "'update' "
                + upd
                + " does not fit 'past_cache' "
                + x
                + " (dims must match except along axis "
                + a
                + ", where it may be shorter)");
      }
      int batch = s[0];
      long[] write = new long[batch];
      if (exec.hasInput(2)) {
        Tensor w = exec.input(2);
        if (w.size() != batch) {
          throw exec.error("'write_indices' has " + w.size() + " entries for a batch of " + batch);
        }
        write = Args.longs(w, "'write_indices'", exec::error);
      }
      Tensor y = exec.output(0, x.dtype(), s);
      Elements.copy(x, 0, y, 0, x.size());
      int[] st = Shapes.strides(s);
      int inner = st[a];
      int max = s[a];
      int len = us[a];
      int perBatch = 1; // prefixes (dims 1..a-1) per batch entry
      for (int d = 1; d < a; d++) {
        perBatch *= s[d];
      }
      for (int b = 0; b < batch; b++) {
        for (int p = 0; p < perBatch; p++) {
          int prefix = b * perBatch + p;
          for (int j = 0; j < len; j++) {
            long pos = write[b] + j;
            if (circular) {
              pos = Math.floorMod(pos, (long) max);
            } else if (pos < 0 || pos >= max) {
              throw exec.error(
                  "write position "
                      + pos
                      + " (write_indices["
                      + b
                      + "] = "
                      + write[b]
                      + " plus "
                      + j
                      + ") is outside the cache length "
                      + max);
            }
            Elements.copy(
                upd,
                (prefix * len + j) * inner,
                y,
                (int) ((prefix * (long) max + pos) * inner),
                inner);
          }
        }
      }
    };
  }

  private static int axisOf(long axis, int rank, Args.Errors err) {
    if (rank < 2) {
      throw err.error("'past_cache' must have rank >= 2, got " + rank);
    }
    int a = Args.axis(axis, rank, "attribute 'axis'", err);
    if (a == 0) {
      throw err.error("attribute 'axis' must not be the batch axis 0");
    }
    return a;
  }
}
