package dev.ledge.ops.tensor;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.math.BigInteger;

/**
 * Range: {@code start, start + delta, ...} below {@code limit} (above it for negative deltas), as
 * the operator's function body defines it: the count is {@code max(ceil((limit - start) / delta),
 * 0)}, with the difference taken in the input type and the quotient in float32 (float64 for float64
 * inputs, exact for integers), and each element is the previous one plus {@code delta} in the input
 * type.
 */
final class RangeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    DType t =
        ctx.requireInputType(
            0,
            DType.FLOAT32,
            DType.FLOAT64,
            DType.INT16,
            DType.INT32,
            DType.INT64,
            DType.FLOAT16,
            DType.BFLOAT16);
    for (int i = 1; i < 3; i++) {
      DType u = ctx.inputDType(i);
      if (t != null && u != null && u != t) {
        throw ctx.error("input " + i + " has type " + u + ", 'start' has " + t);
      }
    }
    ctx.setOutput(0, t, Shape.unknownDims(1));
    return exec -> {
      Tensor start = exec.input(0);
      Tensor limit = exec.input(1);
      Tensor delta = exec.input(2);
      DType dt = start.dtype();
      for (Tensor x : new Tensor[] {start, limit, delta}) {
        if (x.size() != 1 || x.dtype() != dt) {
          throw exec.error("'start', 'limit' and 'delta' must be scalars of one type, got " + x);
        }
      }
      if (dt.isInteger()) {
        long s = start.getLong(0);
        long d = delta.getLong(0);
        if (d == 0) {
          throw exec.error("'delta' is 0");
        }
        BigInteger diff = BigInteger.valueOf(limit.getLong(0)).subtract(BigInteger.valueOf(s));
        BigInteger[] qr = diff.divideAndRemainder(BigInteger.valueOf(d));
        BigInteger q = qr[0];
        if (qr[1].signum() != 0 && qr[1].signum() == Long.signum(d)) {
          q = q.add(BigInteger.ONE); // ceil of a positive non-integral quotient
        }
        int n =
            count(
                q.max(BigInteger.ZERO).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue(),
                exec::error);
        Tensor y = exec.output(0, dt, new int[] {n});
        for (int i = 0; i < n; i++) {
          y.setLong(i, s + i * d);
        }
        return;
      }
      double s = start.getDouble(0);
      double d = delta.getDouble(0);
      double diff = round(dt, limit.getDouble(0) - s);
      double q = dt == DType.FLOAT64 ? diff / d : (double) ((float) diff / (float) d);
      if (Double.isNaN(q) || Double.isInfinite(q)) {
        throw exec.error(
            "cannot count the elements of a range from "
                + s
                + " to "
                + limit.getDouble(0)
                + " by "
                + d);
      }
      int n = count((long) Math.max(0, Math.min(Long.MAX_VALUE, Math.ceil(q))), exec::error);
      Tensor y = exec.output(0, dt, new int[] {n});
      double v = s;
      for (int i = 0; i < n; i++) {
        y.setDouble(i, v);
        v = round(dt, v + d);
      }
    };
  }

  private static int count(long n, Args.Errors err) {
    if (n > Shapes.MAX_ELEMENTS) {
      throw err.error("range has " + n + " elements, more than " + Shapes.MAX_ELEMENTS);
    }
    return (int) n;
  }

  /** {@code v} rounded to type {@code t} (exactly once). */
  private static double round(DType t, double v) {
    return switch (t) {
      case FLOAT64 -> v;
      case FLOAT32 -> (float) v;
      default ->
          dev.ledge.tensor.FloatFormats.toFloat(t, ExactRounding.smallFromDouble(t, v, true, "up"));
    };
  }
}
