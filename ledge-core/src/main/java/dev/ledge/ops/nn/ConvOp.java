package dev.ledge.ops.nn;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.Gemm;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.ReferenceGemm;
import dev.ledge.kernels.ReferenceIm2col;
import dev.ledge.kernels.Scratch;
import dev.ledge.kernels.SlidingWindow;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.math.FusedActivation;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Conv (opsets 1, 11, 22): N-D convolution over 1 to 3 spatial dims with groups, strides,
 * dilations, pads or auto_pad and an optional bias, for float16, bfloat16, float and double.
 *
 * <p>Computed per batch item and group as a matrix product: W_g (M/group x C/group*K) times the
 * im2col matrix of the input (C/group*K x output positions), written straight into Y. The im2col
 * matrix is built a few output rows at a time so that its size stays bounded. A 1x1 convolution
 * with unit strides and no padding multiplies the input directly.
 */
final class ConvOp implements Operator {
  /** Upper bound on the elements of one im2col tile (16 MiB of floats). */
  static final int TILE_ELEMENTS = 1 << 22;

  /** Domain of Ledge's own fused operators. */
  static final String LEDGE_DOMAIN = "dev.ledge";

  private final boolean fused;

  /** The standard Conv. */
  ConvOp() {
    this(false);
  }

  /**
   * @param fused true for {@code dev.ledge.FusedConv}: Conv's inputs and attributes plus an
   *     optional residual input Z (same shape as Y) and an {@code activation} with its {@code
   *     activation_params} (see {@link FusedActivation}) applied to {@code Conv(X, W, B) + Z}
   */
  ConvOp(boolean fused) {
    this.fused = fused;
  }

  /**
   * What a fused Conv adds after the convolution: a residual input and an activation (null for
   * none), with the activation's float32 kernel for this JVM's kernel set (null for none).
   */
  record Epilogue(boolean residual, FusedActivation activation, FloatUnaryKernel float32) {
    static final Epilogue NONE = new Epilogue(false, null, null);
  }

  private Epilogue epilogue(OpContext ctx) {
    if (!fused) {
      return Epilogue.NONE;
    }
    FusedActivation a = ActivationAttributes.parse(ctx);
    FloatUnaryKernel k = a == null ? null : a.float32(KernelProvider.current().simd());
    return new Epilogue(ctx.hasInput(3), a, k);
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, fused ? 4 : 3);
    Epilogue epilogue = epilogue(ctx);
    DType t = FloatIo.requireFloat(ctx, 0);
    if (ctx.inputDType(1) != null && ctx.inputDType(1) != t) {
      throw ctx.error("W has type " + ctx.inputDType(1) + ", expected " + t + " like X");
    }
    boolean hasBias = FloatIo.optionalSameType(ctx, 2, t, "B");
    SpatialAttributes attrs = SpatialAttributes.parse(ctx, false, true);
    long group = ctx.attrInt("group", 1);
    if (group < 1 || group > Integer.MAX_VALUE) {
      throw ctx.error("group is " + group + ", expected a positive value");
    }
    Shape xs = ctx.inputShape(0);
    Shape ws = ctx.inputShape(1);
    int rank = xs != null ? xs.rank() - 2 : ws != null ? ws.rank() - 2 : attrs.impliedRank();
    boolean rankKnown = xs != null || ws != null || rank >= 0;
    if (rankKnown) {
      if (rank < 1) {
        throw ctx.error("X needs at least 3 dims (N, C, spatial...), has " + (rank + 2));
      }
      if (rank > SlidingWindow.MAX_RANK) {
        throw ctx.unsupported("convolution over " + rank + " spatial dims (at most 3)");
      }
      attrs.checkRank(ctx::error, rank);
    }
    // Static output shape when X and W shapes are known.
    Dim m = NnShapes.dim(ws, 0);
    int[] inSp = NnShapes.spatialOrNull(xs);
    int[] kSp = attrs.kernelShape != null ? attrs.kernel() : NnShapes.spatialOrNull(ws);
    int[] outSp = null;
    if (inSp != null && kSp != null && kSp.length == inSp.length) {
      outSp = SpatialAttributes.outSizes(attrs.window(inSp, kSp, false, ctx::error), rank);
    }
    ctx.setOutput(0, t, rankKnown ? NnShapes.nchw(xs, m, outSp, rank) : null);
    int g = (int) group;
    FastConv fast = null;
    Tensor wc = ctx.constantInput(1);
    if (KernelProvider.current().simd()
        && !ctx.typesOnly()
        && t == DType.FLOAT32
        && wc != null
        && wc.dtype() == DType.FLOAT32
        && wc.rank() >= 3
        && wc.dim(0) > 0
        && wc.dim(0) % g == 0) {
      int ck = wc.size() / wc.dim(0);
      fast =
          FastConv.prepare(
              wc.floats(), wc.offset(), wc.dim(0), g, wc.dim(1), ck, epilogue.float32());
    }
    FastConv f = fast;
    return exec -> run(exec, attrs, g, hasBias, f, wc, epilogue);
  }

  private static void run(
      ExecContext ctx,
      SpatialAttributes attrs,
      int group,
      boolean hasBias,
      FastConv fast,
      Tensor packedW,
      Epilogue epilogue) {
    Tensor x = ctx.input(0);
    Tensor w = ctx.input(1);
    Tensor b = hasBias ? ctx.input(2) : null;
    Tensor z = epilogue.residual() ? ctx.input(3) : null;
    ConvShapes st = ctx.kernelState() instanceof ConvShapes k && k.fits(x, w) ? k : null;
    if (st == null) {
      st = shapes(ctx, attrs, group, x, w);
      ctx.setKernelState(st);
    }
    int m = w.dim(0);
    if (b != null && (b.rank() != 1 || b.dim(0) != m)) {
      throw ctx.error("B has shape " + Arrays.toString(b.shape()) + ", expected [" + m + "]");
    }
    int[] outShape = st.out;
    Geometry geo = st.geo;
    if (z != null && (z.dtype() != x.dtype() || !z.hasShape(outShape))) {
      throw ctx.error(
          "Z is " + z + ", expected " + x.dtype() + " " + Arrays.toString(outShape) + " like Y");
    }
    Tensor y = ctx.output(0, x.dtype(), outShape);
    if (fast != null && w == packedW && x.dtype() == DType.FLOAT32 && fast.fits(geo)) {
      fast.run(
          ctx.threads(),
          geo,
          st.panels(fast),
          x.floats(),
          x.offset(),
          b == null ? null : b.floats(),
          b == null ? 0 : b.offset(),
          z == null ? null : z.floats(),
          z == null ? 0 : z.offset(),
          y.floats(),
          y.offset());
      return;
    }
    switch (x.dtype()) {
      case FLOAT32 -> {
        convFloat(
            ctx.threads(),
            geo,
            x.floats(),
            x.offset(),
            w.floats(),
            w.offset(),
            b == null ? null : b.floats(),
            b == null ? 0 : b.offset(),
            z == null ? null : z.floats(),
            z == null ? 0 : z.offset(),
            y.floats(),
            y.offset(),
            epilogue.float32());
        return;
      }
      case FLOAT64 ->
          convDouble(
              geo,
              x.doubles(),
              x.offset(),
              w.doubles(),
              w.offset(),
              b == null ? null : b.doubles(),
              b == null ? 0 : b.offset(),
              y.doubles(),
              y.offset());
      default -> {
        float[] yf = new float[y.size()];
        convFloat(
            ctx.threads(),
            geo,
            FloatIo.toFloats(x),
            0,
            FloatIo.toFloats(w),
            0,
            b == null ? null : FloatIo.toFloats(b),
            0,
            null,
            0,
            yf,
            0,
            null);
        FloatIo.store(yf, y);
      }
    }
    applyEpilogue(y, z, epilogue);
  }

  /**
   * What a Conv derives from its input shapes: output shape and geometry (validated once), and the
   * reusable panel sources of the fast kernel.
   */
  private static final class ConvShapes {
    final int[] x;
    final int[] w;
    final int[] out;
    final Geometry geo;
    private FastConv.Panels panels;

    ConvShapes(int[] x, int[] w, int[] out, Geometry geo) {
      this.x = x;
      this.w = w;
      this.out = out;
      this.geo = geo;
    }

    boolean fits(Tensor xt, Tensor wt) {
      return xt.hasShape(x) && wt.hasShape(w);
    }

    FastConv.Panels panels(FastConv fast) {
      if (panels == null) {
        panels = fast.panels(geo);
      }
      return panels;
    }
  }

  /** Checks the shapes of X and W and derives the output shape and geometry. */
  private static ConvShapes shapes(
      ExecContext ctx, SpatialAttributes attrs, int group, Tensor x, Tensor w) {
    int rank = x.rank() - 2;
    if (rank < 1 || rank > SlidingWindow.MAX_RANK) {
      throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected 3 to 5 dims");
    }
    if (w.rank() != x.rank()) {
      throw ctx.error("W has rank " + w.rank() + ", expected " + x.rank() + " like X");
    }
    attrs.checkRank(ctx::error, rank);
    int n = x.dim(0);
    int c = x.dim(1);
    int m = w.dim(0);
    if (c % group != 0 || m % group != 0) {
      throw ctx.error(
          "channels in (" + c + ") and out (" + m + ") must be divisible by group " + group);
    }
    NnShapes.requireDim(ctx, "W dim 1 (input channels per group)", w.dim(1), c / group);
    int[] in = Arrays.copyOfRange(x.shape(), 2, x.rank());
    int[] kernel = Arrays.copyOfRange(w.shape(), 2, w.rank());
    if (attrs.kernelShape != null && !Arrays.equals(kernel, attrs.kernel())) {
      throw ctx.error(
          "kernel_shape "
              + Arrays.toString(attrs.kernelShape)
              + " does not match W's spatial dims "
              + Arrays.toString(kernel));
    }
    SlidingWindow g = attrs.window(in, kernel, false, ctx::error);
    int[] outShape = new int[x.rank()];
    outShape[0] = n;
    outShape[1] = m;
    System.arraycopy(SpatialAttributes.outSizes(g, rank), 0, outShape, 2, rank);
    Geometry geo = new Geometry(n, c, m, group, g);
    if ((long) geo.ck() * g.outW > TILE_ELEMENTS * 16L) {
      throw ctx.error("one im2col row of " + geo.ck() + " x " + g.outW + " elements is too large");
    }
    return new ConvShapes(x.shape(), w.shape(), outShape, geo);
  }

  /**
   * The residual add and activation of a fused Conv for float64 and 16-bit floats, after the
   * convolution: in double, rounded once to the element type.
   */
  private static void applyEpilogue(Tensor y, Tensor z, Epilogue e) {
    FusedActivation a = e.activation();
    if (z == null && a == null) {
      return;
    }
    for (int i = 0; i < y.size(); i++) {
      double v = y.getDouble(i) + (z == null ? 0 : z.getDouble(i));
      y.setDouble(i, a == null ? v : a.apply(v));
    }
  }

  /** Sizes of one convolution call. */
  record Geometry(int n, int c, int m, int group, SlidingWindow g) {
    int cg() {
      return c / group;
    }

    int mg() {
      return m / group;
    }

    /** Rows of the im2col matrix: input channels per group times kernel size. */
    int ck() {
      return cg() * g.kernelSize();
    }

    /** A 1x1 kernel with unit strides and no padding: the input is its own im2col matrix. */
    boolean direct() {
      return g.kernelSize() == 1
          && g.sD == 1
          && g.sH == 1
          && g.sW == 1
          && g.pD == 0
          && g.pH == 0
          && g.pW == 0
          && g.inSize() == g.outSize();
    }

    /** Output rows (od, oh pairs) per im2col tile. */
    int tileRows() {
      int rows = g.outD * g.outH;
      long perRow = (long) ck() * g.outW;
      return (int) Math.max(1, Math.min(rows, TILE_ELEMENTS / Math.max(1, perRow)));
    }
  }

  /**
   * y = act(conv(x, w) + b + z); {@code b}, {@code z} and {@code act} (applied in place by the GEMM
   * to each finished tile) may be null. Y starts as z + b, as in {@link FastConv}.
   */
  static void convFloat(
      int threads,
      Geometry geo,
      float[] x,
      int xOff,
      float[] w,
      int wOff,
      float[] b,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff,
      FloatUnaryKernel act) {
    SlidingWindow g = geo.g();
    int inSize = g.inSize();
    int outSize = g.outSize();
    int cg = geo.cg();
    int mg = geo.mg();
    int ck = geo.ck();
    boolean direct = geo.direct();
    int tileRows = geo.tileRows();
    int rows = g.outD * g.outH;
    if (outSize == 0) {
      return;
    }
    float[] col = direct ? null : Scratch.floats(Scratch.Slot.COLUMNS, ck * tileRows * g.outW);
    for (int n = 0; n < geo.n(); n++) {
      for (int grp = 0; grp < geo.group(); grp++) {
        int xo = xOff + (n * geo.c() + grp * cg) * inSize;
        int yo = yOff + (n * geo.m() + grp * mg) * outSize;
        int wo = wOff + grp * mg * ck;
        float beta = 0f;
        if (b != null || z != null) {
          for (int j = 0; j < mg; j++) {
            int row = yo + j * outSize;
            float bias = b == null ? 0f : b[bOff + grp * mg + j];
            if (z == null) {
              Arrays.fill(y, row, row + outSize, bias);
            } else {
              int zr = zOff + (row - yOff);
              for (int i = 0; i < outSize; i++) {
                y[row + i] = z[zr + i] + bias;
              }
            }
          }
          beta = 1f;
        }
        if (direct) {
          Gemm.sgemm(
              threads, false, false, mg, outSize, cg, 1f, w, wo, ck, x, xo, inSize, beta, y, yo,
              outSize, act);
          continue;
        }
        for (int r0 = 0; r0 < rows; r0 += tileRows) {
          int rc = Math.min(tileRows, rows - r0);
          int cols = rc * g.outW;
          ReferenceIm2col.im2col(x, xo, cg, g, r0, rc, col, 0);
          Gemm.sgemm(
              threads,
              false,
              false,
              mg,
              cols,
              ck,
              1f,
              w,
              wo,
              ck,
              col,
              0,
              cols,
              beta,
              y,
              yo + r0 * g.outW,
              outSize,
              act);
        }
      }
    }
  }

  static void convDouble(
      Geometry geo,
      double[] x,
      int xOff,
      double[] w,
      int wOff,
      double[] b,
      int bOff,
      double[] y,
      int yOff) {
    SlidingWindow g = geo.g();
    int inSize = g.inSize();
    int outSize = g.outSize();
    int cg = geo.cg();
    int mg = geo.mg();
    int ck = geo.ck();
    boolean direct = geo.direct();
    int tileRows = geo.tileRows();
    int rows = g.outD * g.outH;
    if (outSize == 0) {
      return;
    }
    double[] col = direct ? null : new double[ck * tileRows * g.outW];
    for (int n = 0; n < geo.n(); n++) {
      for (int grp = 0; grp < geo.group(); grp++) {
        int xo = xOff + (n * geo.c() + grp * cg) * inSize;
        int yo = yOff + (n * geo.m() + grp * mg) * outSize;
        int wo = wOff + grp * mg * ck;
        double beta = 0;
        if (b != null) {
          for (int j = 0; j < mg; j++) {
            Arrays.fill(y, yo + j * outSize, yo + (j + 1) * outSize, b[bOff + grp * mg + j]);
          }
          beta = 1;
        }
        if (direct) {
          ReferenceGemm.dgemm(
              false, false, mg, outSize, cg, 1, w, wo, ck, x, xo, inSize, beta, y, yo, outSize);
          continue;
        }
        for (int r0 = 0; r0 < rows; r0 += tileRows) {
          int rc = Math.min(tileRows, rows - r0);
          int cols = rc * g.outW;
          ReferenceIm2col.im2col(x, xo, cg, g, r0, rc, col, 0);
          ReferenceGemm.dgemm(
              false,
              false,
              mg,
              cols,
              ck,
              1,
              w,
              wo,
              ck,
              col,
              0,
              cols,
              beta,
              y,
              yo + r0 * g.outW,
              outSize);
        }
      }
    }
  }
}
