package dev.ledge.ops.nn;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.VectorLayerNorm;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LayerNormalization (opset 17) and RMSNormalization (opset 23): normalize X over the dims from
 * {@code axis} to the end, then multiply by Scale (and add B, LayerNormalization only), both
 * broadcast to X. LayerNormalization subtracts the mean and divides by the standard deviation and
 * may output Mean and InvStdDev (shape of X with the normalized dims set to 1, type given by
 * stash_type); RMSNormalization divides by the root mean square and its output has Scale's type.
 *
 * <p>Statistics are computed in double, which is at least the float32 precision stash_type=1 asks
 * for; other stash types (computing in a narrower type) are unsupported. With the SIMD kernels,
 * float32 inputs whose Scale and B are the same for every row run through {@link VectorLayerNorm}
 * instead (float lane sums: float32 precision, as stash_type=1 asks).
 */
final class LayerNormalizationOp implements Operator {
  private static final boolean SIMD = KernelProvider.current().simd();

  private final boolean rms;

  LayerNormalizationOp(boolean rms) {
    this.rms = rms;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, rms ? 2 : 3);
    DType xt = FloatIo.requireFloat(ctx, 0);
    DType st = FloatIo.requireFloat(ctx, 1);
    if (!rms && st != xt) {
      throw ctx.error("Scale has type " + st + ", expected " + xt + " like X");
    }
    boolean hasBias = !rms && FloatIo.optionalSameType(ctx, 2, xt, "B");
    long stash = ctx.attrInt("stash_type", 1);
    if (stash != DType.FLOAT32.onnxCode()) {
      throw ctx.unsupported("stash_type " + stash + " (only 1, float32, is implemented)");
    }
    long axisAttr = ctx.attrInt("axis", -1);
    double epsilon = ctx.attrFloat("epsilon", 1e-5f);
    Shape xs = ctx.inputShape(0);
    DType yt = rms ? st : xt;
    ctx.setOutput(0, yt, xs);
    if (!rms) {
      Shape statShape = null;
      if (xs != null) {
        if (axisAttr < -xs.rank() || axisAttr >= xs.rank()) {
          throw ctx.error("axis " + axisAttr + " is out of range for X of rank " + xs.rank());
        }
        int axis = (int) (axisAttr < 0 ? axisAttr + xs.rank() : axisAttr);
        List<Dim> d = new ArrayList<>(xs.dims().subList(0, axis));
        for (int i = axis; i < xs.rank(); i++) {
          d.add(Dim.of(1));
        }
        statShape = new Shape(d);
      }
      for (int i = 1; i < Math.min(3, ctx.outputCount()); i++) {
        ctx.setOutput(i, DType.FLOAT32, statShape);
      }
    } else if (ctx.outputCount() > 1) {
      throw ctx.error("has " + ctx.outputCount() + " outputs, RMSNormalization has 1");
    }
    // Scale and B given as constants are the same tensors on every run: their layout is kept.
    boolean constantParams =
        ctx.constantInput(1) != null && (!hasBias || ctx.constantInput(2) != null);
    return exec -> run(exec, axisAttr, epsilon, hasBias, yt, constantParams);
  }

  /**
   * What one input shape and one pair of constant Scale/B tensors need, kept between runs (the
   * node's state) so that a steady run allocates nothing: the row layout, the broadcast parameters,
   * their per-column float copies for the SIMD kernel (null if they vary by row) and the statistics
   * buffers.
   */
  private record Layout(
      int[] shape,
      Tensor scale,
      Tensor bias,
      int axis,
      RowNormalizer.Params params,
      float[] scaleCols,
      float[] biasCols,
      double[] mean,
      double[] inv) {}

  private Layout layout(
      ExecContext ctx,
      long axisAttr,
      double epsilon,
      Tensor x,
      Tensor scale,
      Tensor bias,
      boolean constantParams) {
    if (ctx.kernelState() instanceof Layout l
        && x.hasShape(l.shape())
        && l.scale() == scale
        && l.bias() == bias) {
      return l;
    }
    int[] shape = x.shape();
    int rank = shape.length;
    if (axisAttr < -rank || axisAttr >= rank) {
      throw ctx.error("axis " + axisAttr + " is out of range for X of rank " + rank);
    }
    int axis = (int) (axisAttr < 0 ? axisAttr + rank : axisAttr);
    int rows = Shapes.size(Arrays.copyOfRange(shape, 0, axis));
    int cols = Shapes.size(Arrays.copyOfRange(shape, axis, rank));
    RowNormalizer.Affine sa = affine(ctx, "Scale", scale, shape, axis);
    RowNormalizer.Affine ba = bias == null ? null : affine(ctx, "B", bias, shape, axis);
    RowNormalizer.Params p = new RowNormalizer.Params(rows, cols, epsilon, !rms, sa, ba);
    float[] sc = SIMD ? perColumn(sa, cols) : null;
    float[] bc = sc == null || ba == null ? null : perColumn(ba, cols);
    if (ba != null && bc == null) {
      sc = null;
    }
    Layout l = new Layout(shape, scale, bias, axis, p, sc, bc, new double[rows], new double[rows]);
    if (constantParams) {
      ctx.setKernelState(l); // Scale and B cannot change between runs: the layout stays valid
    }
    return l;
  }

  /** The parameter's value per column if it is the same for every row, else null. */
  private static float[] perColumn(RowNormalizer.Affine a, int cols) {
    for (int b : a.rowBase()) {
      if (b != a.rowBase()[0]) {
        return null;
      }
    }
    int base = a.rowBase().length == 0 ? 0 : a.rowBase()[0];
    float[] r = new float[cols];
    for (int j = 0; j < cols; j++) {
      r[j] = (float) a.values()[base + a.colMap()[j]];
    }
    return r;
  }

  private void run(
      ExecContext ctx,
      long axisAttr,
      double epsilon,
      boolean hasBias,
      DType yt,
      boolean constantParams) {
    Tensor x = ctx.input(0);
    Tensor scale = ctx.input(1);
    Tensor bias = hasBias ? ctx.input(2) : null;
    Layout l = layout(ctx, axisAttr, epsilon, x, scale, bias, constantParams);
    RowNormalizer.Params p = l.params();
    int[] shape = l.shape();
    int rank = shape.length;
    Tensor y = ctx.output(0, yt, shape);
    boolean wantMean = !rms && ctx.outputCount() > 1 && ctx.hasOutput(1);
    boolean wantInv = !rms && ctx.outputCount() > 2 && ctx.hasOutput(2);
    double[] mean = wantMean ? l.mean() : null;
    double[] inv = wantInv ? l.inv() : null;
    if (x.dtype() == DType.FLOAT32 && yt == DType.FLOAT32 && l.scaleCols() != null) {
      VectorLayerNorm.run(
          x.floats(),
          x.offset(),
          y.floats(),
          y.offset(),
          p.rows(),
          p.cols(),
          epsilon,
          !rms,
          l.scaleCols(),
          l.biasCols(),
          mean,
          inv);
    } else if (x.dtype() == DType.FLOAT32 && yt == DType.FLOAT32) {
      RowNormalizer.normalize(p, x.floats(), x.offset(), y.floats(), y.offset(), mean, inv);
    } else {
      double[] yd = new double[y.size()];
      RowNormalizer.normalize(p, FloatIo.toDoubles(x), 0, yd, 0, mean, inv);
      FloatIo.store(yd, y);
    }
    if (wantMean || wantInv) {
      int[] statShape = shape.clone();
      Arrays.fill(statShape, l.axis(), rank, 1);
      if (wantMean) {
        FloatIo.store(mean, ctx.output(1, DType.FLOAT32, statShape));
      }
      if (wantInv) {
        FloatIo.store(inv, ctx.output(2, DType.FLOAT32, statShape));
      }
    }
  }

  /**
   * A parameter broadcast to X, as a {@link RowNormalizer.Affine}; it must broadcast to X's shape
   * without changing it.
   */
  static RowNormalizer.Affine affine(
      ExecContext ctx, String what, Tensor param, int[] xShape, int axis) {
    int[] ps = param.shape();
    if (ps.length > xShape.length || !Arrays.equals(Shapes.broadcastOrNull(xShape, ps), xShape)) {
      throw ctx.error(
          what
              + " has shape "
              + Arrays.toString(ps)
              + ", which does not broadcast to X's shape "
              + Arrays.toString(xShape));
    }
    int[] st = Shapes.broadcastStrides(ps, xShape);
    int rank = xShape.length;
    return new RowNormalizer.Affine(
        FloatIo.toDoubles(param),
        RowNormalizer.offsets(Arrays.copyOfRange(xShape, 0, axis), Arrays.copyOfRange(st, 0, axis)),
        RowNormalizer.offsets(
            Arrays.copyOfRange(xShape, axis, rank), Arrays.copyOfRange(st, axis, rank)));
  }
}
