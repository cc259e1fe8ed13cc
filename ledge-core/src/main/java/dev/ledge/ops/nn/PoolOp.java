package dev.ledge.ops.nn;

import dev.ledge.graph.Shape;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.ReferencePool;
import dev.ledge.kernels.SlidingWindow;
import dev.ledge.kernels.VectorPool;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * AveragePool, MaxPool and LpPool over 1 to 3 spatial dims, every opset: kernel_shape, strides,
 * pads or auto_pad, and where the version has them ceil_mode (AveragePool/MaxPool 10+, LpPool 18+),
 * dilations (MaxPool 10+, AveragePool 19+, LpPool 18+), count_include_pad (AveragePool 7+),
 * storage_order and the Indices output (MaxPool 8+), int8/uint8 inputs (MaxPool 12+).
 *
 * <p>With ceil_mode the last window may reach past the end padding but never starts in it. Padding
 * never contributes: see {@link ReferencePool} for the exact rules.
 */
final class PoolOp implements Operator {
  private static final boolean SIMD = KernelProvider.current().simd();

  /** Which pooling. */
  enum Kind {
    AVERAGE,
    MAX,
    LP
  }

  private final Kind kind;

  PoolOp(Kind kind) {
    this.kind = kind;
  }

  /** Everything prepare decides. */
  private record Params(
      Kind kind,
      SpatialAttributes attrs,
      boolean ceilMode,
      boolean countIncludePad,
      boolean columnMajor,
      double p,
      boolean indices) {}

  @Override
  public Kernel prepare(OpContext ctx) {
    long v = ctx.opsetVersion();
    ctx.requireInputCount(1, 1);
    DType t = ctx.requireInputType(0);
    if (t == null) {
      throw ctx.error("input X has an unknown type");
    }
    boolean ints = kind == Kind.MAX && v >= 12 && (t == DType.INT8 || t == DType.UINT8);
    if (!ints) {
      FloatIo.requireFloat(ctx, 0);
    }
    boolean hasCeil = v >= (kind == Kind.LP ? 18 : 10);
    boolean hasDilations =
        switch (kind) {
          case MAX -> v >= 10;
          case AVERAGE -> v >= 19;
          case LP -> v >= 18;
        };
    if (!hasCeil && ctx.hasAttr("ceil_mode")) {
      throw ctx.error("has a 'ceil_mode' attribute, which opset " + v + " lacks");
    }
    SpatialAttributes attrs = SpatialAttributes.parse(ctx, true, hasDilations);
    boolean ceilMode = ctx.attrInt("ceil_mode", 0) != 0;
    boolean countIncludePad = kind == Kind.AVERAGE && ctx.attrInt("count_include_pad", 0) != 0;
    long storageOrder = ctx.attrInt("storage_order", 0);
    if (storageOrder != 0 && storageOrder != 1) {
      throw ctx.error("storage_order is " + storageOrder + ", expected 0 or 1");
    }
    double p = 0;
    if (kind == Kind.LP) {
      p = v < 2 ? ctx.attrFloat("p", 2f) : ctx.attrInt("p", 2);
      if (!(p > 0) || Double.isInfinite(p)) {
        throw ctx.error("p is " + p + ", expected a positive finite value");
      }
    }
    int rank = attrs.kernelShape.length;
    if (rank < 1) {
      throw ctx.error("kernel_shape is empty");
    }
    if (rank > SlidingWindow.MAX_RANK) {
      throw ctx.unsupported("pooling over " + rank + " spatial dims (at most 3)");
    }
    attrs.checkRank(ctx::error, rank);
    if (attrs.autoPad == SpatialAttributes.AutoPad.NOTSET) {
      for (int i = 0; i < rank; i++) {
        long eff = (attrs.kernelShape[i] - 1) * attrs.dilation(i) + 1;
        if (attrs.padBegin(i) >= eff || attrs.padEnd(i, rank) >= eff) {
          throw ctx.error(
              "pads of spatial dim " + i + " must be smaller than the kernel extent " + eff);
        }
      }
    }
    boolean indices = kind == Kind.MAX && ctx.outputCount() > 1 && ctx.hasOutput(1);
    if (indices && v < 8) {
      throw ctx.error("has an Indices output, which MaxPool-" + v + " lacks");
    }
    Shape xs = ctx.inputShape(0);
    if (xs != null && xs.rank() != rank + 2) {
      throw ctx.error("X has rank " + xs.rank() + ", expected " + (rank + 2) + " for kernel_shape");
    }
    int[] inSp = NnShapes.spatialOrNull(xs);
    int[] outSp =
        inSp == null
            ? null
            : SpatialAttributes.outSizes(
                attrs.window(inSp, attrs.kernel(), ceilMode, ctx::error), rank);
    Shape ys = NnShapes.nchw(xs, NnShapes.dim(xs, 1), outSp, rank);
    ctx.setOutput(0, t, ys);
    if (indices) {
      ctx.setOutput(1, DType.INT64, ys);
    }
    Params params =
        new Params(kind, attrs, ceilMode, countIncludePad, storageOrder == 1, p, indices);
    return exec -> run(exec, params);
  }

  /** The window and output shape for one input shape (the node's state between runs). */
  private record Window(int[] in, SlidingWindow g, int[] out) {}

  private static Window window(ExecContext ctx, Params p, Tensor x) {
    if (ctx.kernelState() instanceof Window w && x.hasShape(w.in())) {
      return w;
    }
    int rank = p.attrs().kernelShape.length;
    if (x.rank() != rank + 2) {
      throw ctx.error(
          "X has shape "
              + Arrays.toString(x.shape())
              + ", expected rank "
              + (rank + 2)
              + " for kernel_shape");
    }
    int[] in = Arrays.copyOfRange(x.shape(), 2, x.rank());
    SlidingWindow g = p.attrs().window(in, p.attrs().kernel(), p.ceilMode(), ctx::error);
    int[] outShape = x.shape();
    System.arraycopy(SpatialAttributes.outSizes(g, rank), 0, outShape, 2, rank);
    Window w = new Window(x.shape(), g, outShape);
    ctx.setKernelState(w);
    return w;
  }

  private static void run(ExecContext ctx, Params p) {
    Tensor x = ctx.input(0);
    Window win = window(ctx, p, x);
    SlidingWindow g = win.g();
    int[] outShape = win.out();
    Tensor y = ctx.output(0, x.dtype(), outShape);
    Tensor ind = p.indices() ? ctx.output(1, DType.INT64, outShape) : null;
    long[] ia = ind == null ? null : ind.longs();
    int io = ind == null ? 0 : ind.offset();
    int planes = x.dim(0) * x.dim(1);
    switch (x.dtype()) {
      case FLOAT32 -> {
        float[] xa = x.floats();
        float[] ya = y.floats();
        switch (p.kind()) {
          case MAX -> {
            if (ia == null && SIMD && VectorPool.supports(g)) {
              VectorPool.maxPool2d(xa, x.offset(), ya, y.offset(), planes, g);
            } else {
              ReferencePool.maxPool(
                  xa, x.offset(), ya, y.offset(), ia, io, 0, planes, g, p.columnMajor());
            }
          }
          case AVERAGE ->
              ReferencePool.avgPool(xa, x.offset(), ya, y.offset(), planes, g, p.countIncludePad());
          case LP -> ReferencePool.lpPool(xa, x.offset(), ya, y.offset(), planes, g, p.p());
        }
      }
      case FLOAT64 -> {
        double[] xa = x.doubles();
        double[] ya = y.doubles();
        switch (p.kind()) {
          case MAX ->
              ReferencePool.maxPool(
                  xa, x.offset(), ya, y.offset(), ia, io, 0, planes, g, p.columnMajor());
          case AVERAGE ->
              ReferencePool.avgPool(xa, x.offset(), ya, y.offset(), planes, g, p.countIncludePad());
          case LP -> ReferencePool.lpPool(xa, x.offset(), ya, y.offset(), planes, g, p.p());
        }
      }
      default -> {
        // float16, bfloat16, int8, uint8: every value is exact in float.
        float[] xa = FloatIo.toFloats(x);
        float[] ya = new float[y.size()];
        switch (p.kind()) {
          case MAX -> ReferencePool.maxPool(xa, 0, ya, 0, ia, io, 0, planes, g, p.columnMajor());
          case AVERAGE -> ReferencePool.avgPool(xa, 0, ya, 0, planes, g, p.countIncludePad());
          case LP -> ReferencePool.lpPool(xa, 0, ya, 0, planes, g, p.p());
        }
        FloatIo.store(ya, y);
      }
    }
  }
}
