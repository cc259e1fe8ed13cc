package dev.ledge.train.ops;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code MaxPoolWithArgmax(X) -> (Y, Argmax)}: ONNX MaxPool (same attributes, float32 or float64)
 * that also records, for each output, where its maximum came from: the flat int32 index into X
 * (planes and positions row-major; -1 for a window entirely in the padding). Y equals MaxPool's Y
 * bit for bit: NaN in a window gives NaN, else the maximum. The index is the first NaN of the
 * window in row-major order, else its first maximum; {@code MaxPoolGrad(dY, X, Argmax)} then
 * scatters instead of searching every window again.
 *
 * <p>Training graphs use it in place of float MaxPool nodes (see {@code
 * dev.ledge.train.TrainingGraph}).
 */
final class MaxPoolArgmaxOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = FloatTypes.require(ctx, 0);
    Geometry.Attrs a = Geometry.Attrs.of(ctx, true);
    boolean ceil = ctx.attrInt("ceil_mode", 0) != 0;
    int r = a.kernel().length;
    Shape xs = ctx.inputShape(0);
    if (xs != null && xs.rank() != r + 2) {
      throw ctx.error("X has rank " + xs.rank() + ", expected " + (r + 2) + " for kernel_shape");
    }
    Shape ys = null;
    if (xs != null) {
      List<Dim> dims = new ArrayList<>(xs.dims().subList(0, 2));
      int[] in = new int[r];
      boolean known = true;
      for (int i = 0; i < r; i++) {
        Dim d = xs.dim(i + 2);
        known &= d.isKnown();
        in[i] = known ? (int) d.value() : 0;
      }
      if (known) {
        for (int o : Geometry.outputDims(a, a.kernel(), in, ceil, ctx::error)) {
          dims.add(Dim.of(o));
        }
      } else {
        dims.addAll(Shape.unknownDims(r).dims());
      }
      ys = new Shape(dims);
    }
    ctx.setOutput(0, t, ys);
    ctx.setOutput(1, DType.INT32, ys);
    return exec -> run(exec, a, ceil);
  }

  /** What one input shape gives (kept between runs as kernel state). */
  private record Cached(int[] xs, Geometry g, int[] ys) {}

  private static void run(ExecContext ctx, Geometry.Attrs a, boolean ceil) {
    Tensor x = ctx.input(0);
    Cached cached = ctx.kernelState() instanceof Cached c && x.hasShape(c.xs()) ? c : null;
    if (cached == null) {
      int[] xs = x.shape();
      int r = a.kernel().length;
      if (xs.length != r + 2) {
        throw ctx.error(
            "X has shape "
                + Arrays.toString(xs)
                + ", expected rank "
                + (r + 2)
                + " for the kernel");
      }
      int[] in = Arrays.copyOfRange(xs, 2, xs.length);
      int[] out = Geometry.outputDims(a, a.kernel(), in, ceil, ctx::error);
      int[] ys = xs.clone();
      System.arraycopy(out, 0, ys, 2, r);
      cached = new Cached(xs, Geometry.of(ctx, a, in, out, a.kernel(), ceil), ys);
      ctx.setKernelState(cached);
    }
    int[] xs = cached.xs();
    Geometry g = cached.g();
    Tensor y = ctx.output(0, x.dtype(), cached.ys());
    Tensor idx = ctx.output(1, DType.INT32, cached.ys());
    int planes = xs[0] * xs[1];
    if (x.dtype() == DType.FLOAT32) {
      MaxPoolKernels.forward(
          g, planes, x.floats(), x.offset(), y.floats(), y.offset(), idx.ints(), idx.offset());
    } else if (x.dtype() == DType.FLOAT64) {
      MaxPoolKernels.forward(
          g, planes, x.doubles(), x.offset(), y.doubles(), y.offset(), idx.ints(), idx.offset());
    } else {
      throw ctx.error("X is " + x.dtype() + ", expected float32 or float64");
    }
  }
}
