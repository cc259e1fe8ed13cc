package dev.ledge.ops.nn;

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
 * MaxUnpool (opsets 9, 11, 22): scatters X into zeros at the flat positions given by I (as MaxPool
 * returns them). The positions index the unpooled shape implied by the attributes, {@code (in - 1)
 * * stride - padBegin - padEnd + kernel} per spatial dim; with an output_shape input the result is
 * that shape, holding the unpooled tensor at its start (zeros after), as the ONNX reference
 * implementation and conformance data define it.
 */
final class MaxUnpoolOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
    DType t = FloatIo.requireFloat(ctx, 0);
    ctx.requireInputType(1, DType.INT64);
    if (ctx.hasInput(2)) {
      ctx.requireInputType(2, DType.INT64);
    }
    long[] kernel = NnShapes.requiredInts(ctx, "kernel_shape");
    long[] strides = ctx.attrInts("strides", null);
    long[] pads = ctx.attrInts("pads", null);
    int r = kernel.length;
    if (r < 1) {
      throw ctx.error("kernel_shape is empty");
    }
    if ((strides != null && strides.length != r) || (pads != null && pads.length != 2 * r)) {
      throw ctx.error(
          "strides "
              + Arrays.toString(strides)
              + " and pads "
              + Arrays.toString(pads)
              + " must have "
              + r
              + " and "
              + 2 * r
              + " values for kernel_shape "
              + Arrays.toString(kernel));
    }
    for (int i = 0; i < r; i++) {
      if (kernel[i] < 1
          || (strides != null && strides[i] < 1)
          || (pads != null && (pads[i] < 0 || pads[r + i] < 0))) {
        throw ctx.error("kernel_shape and strides must be positive, pads non-negative");
      }
    }
    Shape xs = ctx.inputShape(0);
    if (xs != null && xs.rank() != r + 2) {
      throw ctx.error("X has rank " + xs.rank() + ", expected " + (r + 2));
    }
    Shape ys = null;
    Tensor os = ctx.constantInput(2);
    if (os != null) {
      ys = Shape.of(os.toLongArray());
    } else if (!ctx.hasInput(2) && xs != null) {
      int[] in = NnShapes.spatialOrNull(xs);
      ys =
          NnShapes.nchw(
              xs, NnShapes.dim(xs, 1), in == null ? null : inferred(in, kernel, strides, pads), r);
    } else if (xs != null) {
      ys = Shape.unknownDims(r + 2);
    }
    ctx.setOutput(0, t, ys);
    return exec -> run(exec, kernel, strides, pads);
  }

  private static int[] inferred(int[] in, long[] kernel, long[] strides, long[] pads) {
    int r = in.length;
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      long s = strides == null ? 1 : strides[i];
      long p = pads == null ? 0 : pads[i] + pads[r + i];
      long v = (in[i] - 1L) * s - p + kernel[i];
      out[i] = (int) Math.max(-1, Math.min(v, Integer.MAX_VALUE));
    }
    return out;
  }

  private static void run(ExecContext ctx, long[] kernel, long[] strides, long[] pads) {
    Tensor x = ctx.input(0);
    Tensor idx = ctx.input(1);
    int r = kernel.length;
    if (x.rank() != r + 2) {
      throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected rank " + (r + 2));
    }
    if (!Arrays.equals(idx.shape(), x.shape())) {
      throw ctx.error(
          "I has shape "
              + Arrays.toString(idx.shape())
              + ", expected X's shape "
              + Arrays.toString(x.shape()));
    }
    int[] full = x.shape();
    int[] sp = inferred(Arrays.copyOfRange(full, 2, full.length), kernel, strides, pads);
    for (int i = 0; i < r; i++) {
      if (sp[i] < 0) {
        throw ctx.error("the unpooled spatial dim " + i + " would be negative");
      }
    }
    System.arraycopy(sp, 0, full, 2, r);
    int[] outShape = full;
    if (ctx.hasInput(2)) {
      Tensor os = ctx.input(2);
      if (os.rank() != 1 || os.size() != r + 2) {
        throw ctx.error(
            "output_shape has shape "
                + Arrays.toString(os.shape())
                + ", expected ["
                + (r + 2)
                + "]");
      }
      outShape = Shapes.toInts(os.toLongArray());
      for (int i = 0; i < r + 2; i++) {
        if (i < 2 ? outShape[i] != full[i] : outShape[i] < full[i]) {
          throw ctx.error(
              "output_shape "
                  + Arrays.toString(outShape)
                  + " must keep N and C and be at least the unpooled shape "
                  + Arrays.toString(full));
        }
      }
    }
    Tensor y = ctx.output(0, x.dtype(), outShape);
    int fullSize = Shapes.size(full);
    long[] ia = idx.longs();
    int io = idx.offset();
    int[] map = positions(full, outShape);
    int n = x.size();
    for (int i = 0; i < n; i++) {
      long at = ia[io + i];
      if (at < 0 || at >= fullSize) {
        throw ctx.error("index " + at + " at " + i + " is outside [0, " + fullSize + ")");
      }
    }
    switch (x.dtype()) {
      case FLOAT32 -> {
        float[] ya = y.floats();
        Arrays.fill(ya, y.offset(), y.offset() + y.size(), 0f);
        float[] xa = x.floats();
        for (int i = 0; i < n; i++) {
          ya[y.offset() + map[(int) ia[io + i]]] = xa[x.offset() + i];
        }
      }
      case FLOAT64 -> {
        double[] ya = y.doubles();
        Arrays.fill(ya, y.offset(), y.offset() + y.size(), 0d);
        double[] xa = x.doubles();
        for (int i = 0; i < n; i++) {
          ya[y.offset() + map[(int) ia[io + i]]] = xa[x.offset() + i];
        }
      }
      default -> {
        // float16 / bfloat16: move the raw bits; +0 is all-zero bits in both.
        short[] ya = y.shorts();
        Arrays.fill(ya, y.offset(), y.offset() + y.size(), (short) 0);
        short[] xa = x.shorts();
        for (int i = 0; i < n; i++) {
          ya[y.offset() + map[(int) ia[io + i]]] = xa[x.offset() + i];
        }
      }
    }
  }

  /** For each flat position of shape {@code from}, its flat position in the larger {@code to}. */
  private static int[] positions(int[] from, int[] to) {
    int n = Shapes.size(from);
    int[] map = new int[n];
    int[] fs = Shapes.strides(from);
    int[] ts = Shapes.strides(to);
    for (int i = 0; i < n; i++) {
      int rem = i;
      int at = 0;
      for (int d = 0; d < from.length; d++) {
        at += (rem / fs[d]) * ts[d];
        rem %= fs[d];
      }
      map[i] = at;
    }
    return map;
  }
}
