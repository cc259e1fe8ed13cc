package dev.ledge.ops.nn;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Det (opsets 11, 22): the determinant of each square matrix in the last two dims of X (shape [*,
 * M, M] gives [*]), by LU decomposition with partial pivoting in double. An exactly singular matrix
 * gives 0; an empty (0 x 0) matrix gives 1.
 */
final class DetOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = FloatIo.requireFloat(ctx, 0);
    Shape xs = ctx.inputShape(0);
    Shape ys = null;
    if (xs != null) {
      if (xs.rank() < 2) {
        throw ctx.error("X has rank " + xs.rank() + ", expected at least 2");
      }
      ys = new Shape(xs.dims().subList(0, xs.rank() - 2));
    }
    ctx.setOutput(0, t, ys);
    return DetOp::run;
  }

  private static void run(ExecContext ctx) {
    Tensor x = ctx.input(0);
    int r = x.rank();
    if (r < 2 || x.dim(-1) != x.dim(-2)) {
      throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected [*, M, M]");
    }
    int m = x.dim(-1);
    int[] outShape = Arrays.copyOf(x.shape(), r - 2);
    Tensor y = ctx.output(0, x.dtype(), outShape);
    double[] xa = FloatIo.toDoubles(x);
    int count = y.size();
    double[] out = new double[count];
    double[] a = new double[m * m];
    for (int b = 0; b < count; b++) {
      System.arraycopy(xa, b * m * m, a, 0, m * m);
      out[b] = determinant(a, m);
    }
    FloatIo.store(out, y);
  }

  /** Determinant of the m x m row-major matrix {@code a}, destroying it. */
  static double determinant(double[] a, int m) {
    double det = 1;
    for (int col = 0; col < m; col++) {
      int pivot = col;
      for (int row = col + 1; row < m; row++) {
        if (Math.abs(a[row * m + col]) > Math.abs(a[pivot * m + col])) {
          pivot = row;
        }
      }
      double p = a[pivot * m + col];
      if (p == 0) {
        return 0;
      }
      if (pivot != col) {
        for (int j = 0; j < m; j++) {
          double tmp = a[col * m + j];
          a[col * m + j] = a[pivot * m + j];
          a[pivot * m + j] = tmp;
        }
        det = -det;
      }
      det *= p;
      for (int row = col + 1; row < m; row++) {
        double f = a[row * m + col] / p;
        if (f != 0) {
          for (int j = col + 1; j < m; j++) {
            a[row * m + j] -= f * a[col * m + j];
          }
        }
      }
    }
    return det;
  }
}
