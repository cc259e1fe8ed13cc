package dev.ledge.ops.nn;

import dev.ledge.graph.Shape;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.Parallel;
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
 *
 * <p>Float32 max (without Indices) and average pooling over 1 or 2 dims without dilation run the
 * {@link VectorPool} kernels when SIMD kernels are on, everything else the reference loops. With
 * several threads the (batch, channel) planes are split into one range per thread, so results do
 * not depend on the thread count.
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

  /**
   * The window and output shape for one input shape, and the plane split reused by every run (the
   * node's state between runs).
   */
  private record Window(int[] in, SlidingWindow g, int[] out, PlaneSplit split) {}

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
    Window w = new Window(x.shape(), g, outShape, new PlaneSplit(p, g));
    ctx.setKernelState(w);
    return w;
  }

  private static void run(ExecContext ctx, Params p) {
    Tensor x = ctx.input(0);
    Window win = window(ctx, p, x);
    int[] outShape = win.out();
    Tensor y = ctx.output(0, x.dtype(), outShape);
    Tensor ind = p.indices() ? ctx.output(1, DType.INT64, outShape) : null;
    long[] ia = ind == null ? null : ind.longs();
    int io = ind == null ? 0 : ind.offset();
    int planes = x.dim(0) * x.dim(1);
    PlaneSplit split = win.split();
    switch (x.dtype()) {
      case FLOAT32 ->
          split.run(ctx.threads(), planes, x.floats(), x.offset(), y.floats(), y.offset(), ia, io);
      case FLOAT64 ->
          split.run(
              ctx.threads(), planes, x.doubles(), x.offset(), y.doubles(), y.offset(), ia, io);
      default -> {
        // float16, bfloat16, int8, uint8: every value is exact in float.
        float[] ya = new float[y.size()];
        split.run(ctx.threads(), planes, FloatIo.toFloats(x), 0, ya, 0, ia, io);
        FloatIo.store(ya, y);
      }
    }
  }

  /**
   * Pools a run's planes, split into one contiguous range per thread when there is enough work
   * (planes are independent, so the result does not depend on the split). Refilled by each run and
   * kept in the node's state, so a parallel run allocates only {@link Parallel}'s job.
   */
  private static final class PlaneSplit implements Parallel.PartTask {
    /** Window positions one part should at least read to be worth a hand-off to another thread. */
    private static final long MIN_PART_WORK = 1 << 17;

    private final Params p;
    private final SlidingWindow g;
    private Object x;
    private Object y;
    private long[] indices;
    private int xOff;
    private int yOff;
    private int iOff;
    private int planes;
    private int perPart;

    PlaneSplit(Params p, SlidingWindow g) {
      this.p = p;
      this.g = g;
    }

    /** Pools {@code planes} planes of float[] or double[] {@code x} into {@code y}. */
    void run(
        int threads, int planes, Object x, int xOff, Object y, int yOff, long[] indices, int iOff) {
      long work = (long) planes * g.outSize() * g.kernelSize();
      int parts = (int) Math.min(Math.min(threads, planes), Math.max(1, work / MIN_PART_WORK));
      if (parts <= 1) {
        pool(p, g, x, xOff, y, yOff, indices, iOff, 0, planes);
        return;
      }
      this.x = x;
      this.y = y;
      this.indices = indices;
      this.xOff = xOff;
      this.yOff = yOff;
      this.iOff = iOff;
      this.planes = planes;
      this.perPart = Math.ceilDiv(planes, parts);
      try {
        Parallel.forEach(parts, parts, this);
      } finally {
        this.x = null; // no reference to the run's buffers between runs
        this.y = null;
        this.indices = null;
      }
    }

    @Override
    public void run(int part) {
      int p0 = part * perPart;
      int p1 = Math.min(planes, p0 + perPart);
      if (p0 < p1) {
        pool(p, g, x, xOff, y, yOff, indices, iOff, p0, p1);
      }
    }
  }

  /**
   * Pools planes {@code [p0, p1)} of the whole float[] or double[] input {@code x} (starting at
   * {@code xOff}) into {@code y} and, for MaxPool's Indices output, {@code indices}.
   */
  private static void pool(
      Params p,
      SlidingWindow g,
      Object x,
      int xOff,
      Object y,
      int yOff,
      long[] indices,
      int iOff,
      int p0,
      int p1) {
    int n = p1 - p0;
    int xo = xOff + p0 * g.inSize();
    int yo = yOff + p0 * g.outSize();
    int io = iOff + p0 * g.outSize();
    boolean cip = p.countIncludePad();
    if (x instanceof float[] xa && y instanceof float[] ya) {
      boolean vector = SIMD && VectorPool.supports(g);
      switch (p.kind()) {
        case MAX -> {
          if (vector && indices == null) {
            VectorPool.maxPool2d(xa, xo, ya, yo, n, g);
          } else {
            ReferencePool.maxPool(xa, xo, ya, yo, indices, io, p0, n, g, p.columnMajor());
          }
        }
        case AVERAGE -> {
          if (vector) {
            VectorPool.avgPool2d(xa, xo, ya, yo, n, g, cip);
          } else {
            ReferencePool.avgPool(xa, xo, ya, yo, n, g, cip);
          }
        }
        case LP -> ReferencePool.lpPool(xa, xo, ya, yo, n, g, p.p());
      }
    } else {
      double[] xa = (double[]) x;
      double[] ya = (double[]) y;
      switch (p.kind()) {
        case MAX -> ReferencePool.maxPool(xa, xo, ya, yo, indices, io, p0, n, g, p.columnMajor());
        case AVERAGE -> ReferencePool.avgPool(xa, xo, ya, yo, n, g, cip);
        case LP -> ReferencePool.lpPool(xa, xo, ya, yo, n, g, p.p());
      }
    }
  }
}
