package dev.ledge.ops.vision;

import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * AffineGrid (opset 20): the sampling grid of an affine transform, {@code grid[n, (d,) h, w] =
 * theta[n] @ (x_w, y_h, (z_d,) 1)}, for 2-D ({@code theta} N x 2 x 3, size N,C,H,W) and 3-D ({@code
 * theta} N x 3 x 4, size N,C,D,H,W). Base coordinates are computed in double, as in the ONNX
 * reference; a dimension of size 1 with align_corners has the single coordinate 0 (as in PyTorch;
 * the reference divides by zero there).
 */
final class AffineGridOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    if (ctx.opsetVersion() < 20) {
      throw ctx.error("AffineGrid exists from opset 20, the model imports " + ctx.opsetVersion());
    }
    ctx.requireInputCount(2, 2);
    DType thetaType = ctx.requireInputType(0, FloatIo.FLOAT_TYPES);
    ctx.requireInputType(1, DType.INT64);
    boolean alignCorners = ctx.attrInt("align_corners", 0) != 0;
    Shape outShape = null;
    Tensor size = ctx.constantInput(1);
    if (size != null) {
      long[] s = size.toLongArray();
      if (s.length == 4) {
        outShape = Shape.of(s[0], s[2], s[3], 2);
      } else if (s.length == 5) {
        outShape = Shape.of(s[0], s[2], s[3], s[4], 3);
      } else {
        throw ctx.error(
            "size has " + s.length + " elements, expected 4 (N,C,H,W) or 5 (N,C,D,H,W)");
      }
    } else if (ctx.inputShape(1) != null && ctx.inputShape(1).rank() == 1) {
      var d = ctx.inputShape(1).dim(0);
      if (d.isKnown() && (d.value() == 4 || d.value() == 5)) {
        outShape = Shape.unknownDims((int) d.value());
      }
    }
    ctx.setOutput(0, thetaType, outShape);
    return exec -> run(exec, alignCorners);
  }

  private static void run(ExecContext ctx, boolean alignCorners) {
    Tensor theta = ctx.input(0);
    Tensor sizeT = ctx.input(1);
    if (sizeT.rank() != 1 || (sizeT.size() != 4 && sizeT.size() != 5)) {
      throw ctx.error("size has shape " + Arrays.toString(sizeT.shape()) + ", expected [4] or [5]");
    }
    long[] size = sizeT.toLongArray();
    boolean is2d = size.length == 4;
    int sp = is2d ? 2 : 3;
    int[] ts = theta.shape();
    if (ts.length != 3 || ts[0] != size[0] || ts[1] != sp || ts[2] != sp + 1) {
      throw ctx.error(
          "theta has shape "
              + Arrays.toString(ts)
              + ", expected ["
              + size[0]
              + ", "
              + sp
              + ", "
              + (sp + 1)
              + "] for size "
              + Arrays.toString(size));
    }
    for (long v : size) {
      if (v < 0) {
        throw ctx.error("size " + Arrays.toString(size) + " has a negative dimension");
      }
    }
    int n = (int) size[0];
    // Spatial dims in tensor order: (H, W) or (D, H, W).
    long[] spatialL = Arrays.copyOfRange(size, 2, size.length);
    int[] spatial = Shapes.toInts(spatialL);
    int[] outShape = new int[sp + 2];
    outShape[0] = n;
    System.arraycopy(spatial, 0, outShape, 1, sp);
    outShape[sp + 1] = sp;
    Tensor grid = ctx.output(0, theta.dtype(), outShape);
    if (grid.size() == 0) {
      return;
    }
    // Base coordinates per spatial dim; homogeneous vector is (x, y, [z,] 1) = innermost first.
    double[][] base = new double[sp][];
    for (int d = 0; d < sp; d++) {
      base[d] = baseCoordinates(spatial[d], alignCorners);
    }
    double[] th = FloatIo.read(theta);
    double[] out = new double[grid.size()];
    int points = Shapes.size(spatial);
    int[] idx = new int[sp];
    double[] h = new double[sp + 1];
    h[sp] = 1;
    int o = 0;
    for (int b = 0; b < n; b++) {
      Arrays.fill(idx, 0);
      for (int p = 0; p < points; p++) {
        for (int d = 0; d < sp; d++) {
          h[sp - 1 - d] = base[d][idx[d]];
        }
        int tb = b * sp * (sp + 1);
        for (int row = 0; row < sp; row++) {
          double acc = 0;
          for (int k = 0; k <= sp; k++) {
            acc += th[tb + row * (sp + 1) + k] * h[k];
          }
          out[o++] = acc;
        }
        for (int d = sp - 1; d >= 0; d--) {
          if (++idx[d] < spatial[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
    }
    FloatIo.write(out, grid);
  }

  /** Normalized coordinates of the {@code size} pixel centers (or corners) along one dim. */
  static double[] baseCoordinates(int size, boolean alignCorners) {
    double[] a = new double[size];
    if (alignCorners) {
      if (size == 1) {
        return a;
      }
      double step = 2.0 / (size - 1);
      for (int i = 0; i < size; i++) {
        a[i] = -1 + i * step;
      }
    } else {
      double step = 2.0 / size;
      double start = -1 + step / 2;
      for (int i = 0; i < size; i++) {
        a[i] = start + i * step;
      }
    }
    return a;
  }
}
