package dev.ledge.ops.nn;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * InstanceNormalization (opsets 1, 6, 22): {@code y = scale[c] * (x - mean) / sqrt(var + epsilon) +
 * B[c]} with mean and (population) variance of each (batch, channel) plane over the spatial dims.
 */
final class InstanceNormalizationOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    DType t = FloatIo.requireFloat(ctx, 0);
    FloatIo.optionalSameType(ctx, 1, t, "scale");
    FloatIo.optionalSameType(ctx, 2, t, "B");
    double epsilon = ctx.attrFloat("epsilon", 1e-5f);
    ctx.setOutput(0, t, ctx.inputShape(0));
    return exec -> run(exec, epsilon);
  }

  private static void run(ExecContext ctx, double epsilon) {
    Tensor x = ctx.input(0);
    Tensor scale = ctx.input(1);
    Tensor bias = ctx.input(2);
    if (x.rank() < 2) {
      throw ctx.error("input has shape " + Arrays.toString(x.shape()) + ", expected (N, C, ...)");
    }
    int n = x.dim(0);
    int c = x.dim(1);
    for (Tensor p : new Tensor[] {scale, bias}) {
      if (p.rank() != 1 || p.dim(0) != c) {
        throw ctx.error(
            "scale and B must have shape [" + c + "], got " + Arrays.toString(p.shape()));
      }
    }
    int spatial = c == 0 || n == 0 ? 0 : x.size() / (n * c);
    int rows = n * c;
    int[] rowBase = new int[rows];
    for (int r = 0; r < rows; r++) {
      rowBase[r] = r % c;
    }
    int[] colMap = new int[spatial];
    RowNormalizer.Params p =
        new RowNormalizer.Params(
            rows,
            spatial,
            epsilon,
            true,
            new RowNormalizer.Affine(FloatIo.toDoubles(scale), rowBase, colMap),
            new RowNormalizer.Affine(FloatIo.toDoubles(bias), rowBase, colMap));
    Tensor y = ctx.outputLike(0, x.dtype(), x);
    if (x.dtype() == DType.FLOAT32) {
      RowNormalizer.normalize(p, x.floats(), x.offset(), y.floats(), y.offset(), null, null);
    } else {
      double[] yd = new double[y.size()];
      RowNormalizer.normalize(p, FloatIo.toDoubles(x), 0, yd, 0, null, null);
      FloatIo.store(yd, y);
    }
  }
}
