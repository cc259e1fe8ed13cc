package dev.ledge.ops.nn;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.OutputShape;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GlobalAveragePool and GlobalMaxPool (opsets 1, 22): the mean or maximum of each (batch, channel)
 * plane over all spatial dims; the output keeps the rank with every spatial dim 1. Sums are
 * accumulated in double.
 */
final class GlobalPoolOp implements Operator {
  private final boolean max;

  GlobalPoolOp(boolean max) {
    this.max = max;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = FloatIo.requireFloat(ctx, 0);
    Shape xs = ctx.inputShape(0);
    Shape ys = null;
    if (xs != null) {
      if (xs.rank() < 2) {
        throw ctx.error("X has rank " + xs.rank() + ", expected at least 2 (N, C, ...)");
      }
      List<Dim> d = new ArrayList<>(xs.dims().subList(0, 2));
      for (int i = 2; i < xs.rank(); i++) {
        d.add(Dim.of(1));
      }
      ys = new Shape(d);
    }
    ctx.setOutput(0, t, ys);
    boolean isMax = max;
    return exec -> run(exec, isMax);
  }

  private static void run(ExecContext ctx, boolean max) {
    Tensor x = ctx.input(0);
    int[] outShape = OutputShape.cached(ctx, x);
    if (outShape == null) {
      if (x.rank() < 2) {
        throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected rank >= 2");
      }
      outShape = x.shape();
      for (int i = 2; i < outShape.length; i++) {
        outShape[i] = 1;
      }
      OutputShape.keep(ctx, x, outShape);
    }
    int spatial = 1;
    for (int i = 2; i < x.rank(); i++) {
      spatial *= x.dim(i);
    }
    if (spatial == 0) {
      throw ctx.error("X has an empty spatial dim: " + Arrays.toString(x.shape()));
    }
    Tensor y = ctx.output(0, x.dtype(), outShape);
    int planes = x.dim(0) * x.dim(1);
    switch (x.dtype()) {
      case FLOAT32 -> {
        float[] xa = x.floats();
        float[] ya = y.floats();
        for (int p = 0; p < planes; p++) {
          int base = x.offset() + p * spatial;
          if (max) {
            float m = xa[base];
            for (int i = 1; i < spatial; i++) {
              m = Math.max(m, xa[base + i]);
            }
            ya[y.offset() + p] = m;
          } else {
            double s = 0;
            for (int i = 0; i < spatial; i++) {
              s += xa[base + i];
            }
            ya[y.offset() + p] = (float) (s / spatial);
          }
        }
      }
      default -> {
        double[] xa = FloatIo.toDoubles(x);
        double[] ya = new double[planes];
        for (int p = 0; p < planes; p++) {
          int base = p * spatial;
          double m = max ? xa[base] : 0;
          for (int i = max ? 1 : 0; i < spatial; i++) {
            m = max ? Math.max(m, xa[base + i]) : m + xa[base + i];
          }
          ya[p] = max ? m : m / spatial;
        }
        FloatIo.store(ya, y);
      }
    }
  }
}
