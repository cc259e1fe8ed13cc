package dev.ledge.ops.nn;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * MeanVarianceNormalization (opsets 9, 13): {@code (X - mean) / (sqrt(variance) + 1e-9)} with mean
 * and population variance over {@code axes} (default [0, 2, 3]), as the operator's function body
 * defines it (the body computes the variance as E[X^2] - E[X]^2; it is computed here as E[(X -
 * mean)^2], which is the same value without the cancellation).
 */
final class MeanVarianceNormalizationOp implements Operator {
  private static final double EPSILON = 1e-9;

  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 9) {
      throw ctx.error("MeanVarianceNormalization exists from opset 9");
    }
    ctx.requireInputCount(1, 1);
    DType t = FloatIo.requireFloat(ctx, 0);
    long[] axes = ctx.attrInts("axes", new long[] {0, 2, 3});
    if (ctx.inputShape(0) != null) {
      normalizedAxes(ctx.inputShape(0).rank(), axes, ctx::error);
    }
    ctx.setOutput(0, t, ctx.inputShape(0));
    return exec -> run(exec, axes);
  }

  private static boolean[] normalizedAxes(
      int rank, long[] axes, java.util.function.Function<String, dev.ledge.LedgeException> err) {
    boolean[] r = new boolean[rank];
    for (long a : axes) {
      if (a < -rank || a >= rank) {
        throw err.apply("axis " + a + " is out of range for an input of rank " + rank);
      }
      int i = (int) (a < 0 ? a + rank : a);
      if (r[i]) {
        throw err.apply("axes " + Arrays.toString(axes) + " name dim " + i + " twice");
      }
      r[i] = true;
    }
    return r;
  }

  private static void run(ExecContext ctx, long[] axes) {
    Tensor x = ctx.input(0);
    int[] shape = x.shape();
    boolean[] reduced = normalizedAxes(shape.length, axes, ctx::error);
    // Group of each element: its index over the kept dims.
    int n = x.size();
    int[] keptShape = shape.clone();
    for (int d = 0; d < shape.length; d++) {
      if (reduced[d]) {
        keptShape[d] = 1;
      }
    }
    int groups = Shapes.size(keptShape);
    int[] group = dev.ledge.ops.Broadcast.indexMap(keptShape, shape);
    double[] xa = FloatIo.toDoubles(x);
    double[] sum = new double[groups];
    int[] count = new int[groups];
    for (int i = 0; i < n; i++) {
      sum[group[i]] += xa[i];
      count[group[i]]++;
    }
    double[] mean = new double[groups];
    for (int g = 0; g < groups; g++) {
      mean[g] = sum[g] / count[g];
    }
    double[] ss = new double[groups];
    for (int i = 0; i < n; i++) {
      double d = xa[i] - mean[group[i]];
      ss[group[i]] += d * d;
    }
    for (int i = 0; i < n; i++) {
      int g = group[i];
      xa[i] = (xa[i] - mean[g]) / (Math.sqrt(ss[g] / count[g]) + EPSILON);
    }
    FloatIo.store(xa, ctx.output(0, x.dtype(), shape));
  }
}
