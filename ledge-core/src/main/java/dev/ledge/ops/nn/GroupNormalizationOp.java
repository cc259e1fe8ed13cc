package dev.ledge.ops.nn;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * GroupNormalization (opsets 18, 21): the channels of X (N, C, ...) are split into num_groups
 * groups; each (batch, group) block is standardized by its own mean and variance, then scaled and
 * shifted. Opset 18 has one scale and bias per group; opset 21 changed them to one per channel (and
 * added stash_type, of which only 1 (float32, computed here in double) is implemented).
 */
final class GroupNormalizationOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    DType t = FloatIo.requireFloat(ctx, 0);
    FloatIo.optionalSameType(ctx, 1, t, "scale");
    FloatIo.optionalSameType(ctx, 2, t, "bias");
    long groups = NnShapes.requiredInt(ctx, "num_groups");
    if (groups < 1 || groups > Integer.MAX_VALUE) {
      throw ctx.error("num_groups is " + groups + ", expected a positive value");
    }
    long stash = ctx.attrInt("stash_type", 1);
    if (stash != DType.FLOAT32.onnxCode()) {
      throw ctx.unsupported("stash_type " + stash + " (only 1, float32, is implemented)");
    }
    double epsilon = ctx.attrFloat("epsilon", 1e-5f);
    boolean perChannel = ctx.opsetVersion() >= 21;
    ctx.setOutput(0, t, ctx.inputShape(0));
    int g = (int) groups;
    return exec -> run(exec, g, epsilon, perChannel);
  }

  private static void run(ExecContext ctx, int groups, double epsilon, boolean perChannel) {
    Tensor x = ctx.input(0);
    Tensor scale = ctx.input(1);
    Tensor bias = ctx.input(2);
    if (x.rank() < 2) {
      throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected (N, C, ...)");
    }
    int n = x.dim(0);
    int c = x.dim(1);
    if (c % groups != 0) {
      throw ctx.error("channels (" + c + ") are not divisible by num_groups " + groups);
    }
    int expected = perChannel ? c : groups;
    for (Tensor p : new Tensor[] {scale, bias}) {
      if (p.rank() != 1 || p.dim(0) != expected) {
        throw ctx.error(
            "scale and bias must have shape ["
                + expected
                + "] ("
                + (perChannel ? "channels" : "num_groups")
                + "), got "
                + Arrays.toString(p.shape()));
      }
    }
    int cg = c / groups;
    int spatial = c == 0 || n == 0 ? 0 : x.size() / (n * c);
    int rows = n * groups;
    int cols = cg * spatial;
    int[] rowBase = new int[rows];
    int[] colMap = new int[cols];
    for (int r = 0; r < rows; r++) {
      rowBase[r] = perChannel ? (r % groups) * cg : r % groups;
    }
    if (perChannel) {
      for (int j = 0; j < cols; j++) {
        colMap[j] = j / spatial;
      }
    }
    RowNormalizer.Params p =
        new RowNormalizer.Params(
            rows,
            cols,
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
