package dev.ledge.ops.nn;

import dev.ledge.LedgeException;
import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.Gemm;
import dev.ledge.kernels.ReferenceGemm;
import dev.ledge.kernels.ReferenceIm2col;
import dev.ledge.kernels.Scratch;
import dev.ledge.kernels.SlidingWindow;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * ConvTranspose (opsets 1, 11, 22): the adjoint of Conv over 1 to 3 spatial dims, with groups,
 * strides, dilations, pads, output_padding, output_shape or auto_pad and an optional bias.
 *
 * <p>Output size per dim: {@code stride * (in - 1) + output_padding + (k - 1) * dilation + 1 -
 * padBegin - padEnd}. With output_shape (or auto_pad SAME_*, which asks for {@code in * stride})
 * the pads come from the total padding {@code t} that size needs: SAME_UPPER puts {@code
 * floor(t/2)} at the start, anything else puts it at the end, as the ONNX definition and its
 * reference implementation do. A negative total (the output is larger than the full result) pads
 * with zeros (plus bias).
 *
 * <p>Computed per batch item and group: {@code col = W_g^T * X_g} (M/group*K x input positions),
 * then col2im adds each column into the output window it came from.
 */
final class ConvTransposeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
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
    long[] outputPadding = ctx.attrInts("output_padding", null);
    long[] outputShape = ctx.attrInts("output_shape", null);
    for (long[] v : new long[][] {outputPadding, outputShape}) {
      if (v != null) {
        for (long x : v) {
          if (x < 0 || x > Integer.MAX_VALUE) {
            throw ctx.error(
                "output_padding and output_shape must be non-negative, got " + Arrays.toString(v));
          }
        }
      }
    }
    Params p = new Params(attrs, (int) group, hasBias, outputPadding, outputShape);
    Shape xs = ctx.inputShape(0);
    Shape ws = ctx.inputShape(1);
    int rank = xs != null ? xs.rank() - 2 : ws != null ? ws.rank() - 2 : attrs.impliedRank();
    boolean rankKnown = xs != null || ws != null || rank >= 0;
    Shape outStatic = null;
    if (rankKnown) {
      if (rank < 1) {
        throw ctx.error("X needs at least 3 dims (N, C, spatial...), has " + (rank + 2));
      }
      if (rank > SlidingWindow.MAX_RANK) {
        throw ctx.unsupported("transposed convolution over " + rank + " spatial dims (at most 3)");
      }
      p.checkRank(ctx::error, rank);
      long wm = NnShapes.known(ws, 1);
      Dim m = wm < 0 ? Dim.unknown() : Dim.of(wm * group);
      int[] inSp = NnShapes.spatialOrNull(xs);
      int[] kSp = attrs.kernelShape != null ? attrs.kernel() : NnShapes.spatialOrNull(ws);
      int[] outSp = null;
      if (inSp != null && kSp != null && kSp.length == inSp.length) {
        outSp = SpatialAttributes.outSizes(p.window(inSp, kSp, ctx::error), rank);
      }
      outStatic = NnShapes.nchw(xs, m, outSp, rank);
    }
    ctx.setOutput(0, t, outStatic);
    return exec -> run(exec, p);
  }

  /** The validated attributes. */
  private record Params(
      SpatialAttributes attrs,
      int group,
      boolean hasBias,
      long[] outputPadding,
      long[] outputShape) {
    void checkRank(Function<String, LedgeException> err, int rank) {
      attrs.checkRank(err, rank);
      if (outputPadding != null && outputPadding.length != rank) {
        throw err.apply("output_padding has " + outputPadding.length + " values, expected " + rank);
      }
      if (outputShape != null && outputShape.length != rank && outputShape.length != rank + 2) {
        throw err.apply("output_shape has " + outputShape.length + " values, expected " + rank);
      }
    }

    /**
     * The Conv window whose input is this ConvTranspose's output (sizes {@code in} are X's) and
     * whose output is X: col2im with it scatters back into Y.
     */
    SlidingWindow window(int[] in, int[] kernel, Function<String, LedgeException> err) {
      int r = in.length;
      int[] out = new int[r];
      int[] s = new int[r];
      int[] d = new int[r];
      int[] pb = new int[r];
      int[] pe = new int[r];
      for (int i = 0; i < r; i++) {
        s[i] = attrs.stride(i);
        d[i] = attrs.dilation(i);
        long op = outputPadding == null ? 0 : outputPadding[i];
        long full = (long) s[i] * (in[i] - 1) + op + (long) (kernel[i] - 1) * d[i] + 1;
        SpatialAttributes.AutoPad ap = attrs.autoPad;
        boolean same =
            ap == SpatialAttributes.AutoPad.SAME_UPPER
                || ap == SpatialAttributes.AutoPad.SAME_LOWER;
        long size;
        long begin;
        long end;
        if (outputShape != null || same) {
          size =
              outputShape != null ? outputShape[outputShape.length - r + i] : (long) in[i] * s[i];
          long total = full - size;
          boolean given =
              outputShape != null
                  && attrs.hasPads()
                  && attrs.padBegin(i) + attrs.padEnd(i, r) == total;
          if (given) {
            begin = attrs.padBegin(i);
            end = attrs.padEnd(i, r);
          } else if (ap == SpatialAttributes.AutoPad.SAME_UPPER) {
            begin = Math.floorDiv(total, 2);
            end = total - begin;
          } else {
            end = Math.floorDiv(total, 2);
            begin = total - end;
          }
        } else {
          boolean explicit = ap == SpatialAttributes.AutoPad.NOTSET;
          begin = explicit ? attrs.padBegin(i) : 0;
          end = explicit ? attrs.padEnd(i, r) : 0;
          size = full - begin - end;
        }
        if (size < 0 || size > Integer.MAX_VALUE || Math.abs(begin) > Integer.MAX_VALUE) {
          throw err.apply("output spatial dim " + i + " would have size " + size);
        }
        out[i] = (int) size;
        pb[i] = (int) begin;
        pe[i] = (int) end;
      }
      // Roles exchanged: the Conv window reads Y (size out) and produces X (size in).
      return SlidingWindow.of(out, in, kernel, s, d, pb, pe);
    }
  }

  private static void run(ExecContext ctx, Params p) {
    Tensor x = ctx.input(0);
    Tensor w = ctx.input(1);
    Tensor b = p.hasBias() ? ctx.input(2) : null;
    int rank = x.rank() - 2;
    if (rank < 1 || rank > SlidingWindow.MAX_RANK) {
      throw ctx.error("X has shape " + Arrays.toString(x.shape()) + ", expected 3 to 5 dims");
    }
    if (w.rank() != x.rank()) {
      throw ctx.error("W has rank " + w.rank() + ", expected " + x.rank() + " like X");
    }
    p.checkRank(ctx::error, rank);
    int group = p.group();
    int n = x.dim(0);
    int c = x.dim(1);
    if (c % group != 0) {
      throw ctx.error("input channels (" + c + ") must be divisible by group " + group);
    }
    NnShapes.requireDim(ctx, "W dim 0 (input channels)", w.dim(0), c);
    int mg = w.dim(1);
    long mLong = (long) mg * group;
    if (mLong > Integer.MAX_VALUE) {
      throw ctx.error("too many output channels: " + mLong);
    }
    int m = (int) mLong;
    int[] in = Arrays.copyOfRange(x.shape(), 2, x.rank());
    int[] kernel = Arrays.copyOfRange(w.shape(), 2, w.rank());
    SpatialAttributes attrs = p.attrs();
    if (attrs.kernelShape != null && !Arrays.equals(kernel, attrs.kernel())) {
      throw ctx.error(
          "kernel_shape "
              + Arrays.toString(attrs.kernelShape)
              + " does not match W's spatial dims "
              + Arrays.toString(kernel));
    }
    if (b != null && (b.rank() != 1 || b.dim(0) != m)) {
      throw ctx.error("B has shape " + Arrays.toString(b.shape()) + ", expected [" + m + "]");
    }
    SlidingWindow g = p.window(in, kernel, ctx::error);
    int[] outShape = new int[x.rank()];
    outShape[0] = n;
    outShape[1] = m;
    int[] outSp = {g.inD, g.inH, g.inW};
    System.arraycopy(outSp, SlidingWindow.MAX_RANK - rank, outShape, 2, rank);
    long colRow = (long) mg * g.kernelSize() * g.outW;
    if (colRow > ConvOp.TILE_ELEMENTS * 16L) {
      throw ctx.error("one column block of " + colRow + " elements is too large");
    }
    Tensor y = ctx.output(0, x.dtype(), outShape);
    ConvOp.Geometry geo = new ConvOp.Geometry(n, m, c, group, g);
    switch (x.dtype()) {
      case FLOAT32 ->
          transposeFloat(
              geo,
              x.floats(),
              x.offset(),
              w.floats(),
              w.offset(),
              b == null ? null : b.floats(),
              b == null ? 0 : b.offset(),
              y.floats(),
              y.offset());
      case FLOAT64 ->
          transposeDouble(
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
        transposeFloat(
            geo,
            FloatIo.toFloats(x),
            0,
            FloatIo.toFloats(w),
            0,
            b == null ? null : FloatIo.toFloats(b),
            0,
            yf,
            0);
        FloatIo.store(yf, y);
      }
    }
  }

  /**
   * Geometry in Conv terms: {@code c} is Y's channel count (M), {@code m} is X's (C), and the
   * window reads Y and produces X; {@code ck()} is then M/group * K, the rows of col.
   */
  static void transposeFloat(
      ConvOp.Geometry geo,
      float[] x,
      int xOff,
      float[] w,
      int wOff,
      float[] b,
      int bOff,
      float[] y,
      int yOff) {
    SlidingWindow g = geo.g();
    int ySize = g.inSize();
    int xSize = g.outSize();
    int cg = geo.mg(); // X channels per group
    int mg = geo.cg(); // Y channels per group
    int ck = geo.ck(); // mg * K
    int tileRows = geo.tileRows();
    int rows = g.outD * g.outH;
    float[] col = Scratch.floats(Scratch.Slot.COLUMNS, ck * tileRows * g.outW);
    for (int n = 0; n < geo.n(); n++) {
      for (int grp = 0; grp < geo.group(); grp++) {
        int xo = xOff + (n * geo.m() + grp * cg) * xSize;
        int yo = yOff + (n * geo.c() + grp * mg) * ySize;
        int wo = wOff + grp * cg * ck;
        for (int j = 0; j < mg; j++) {
          float bias = b == null ? 0f : b[bOff + grp * mg + j];
          Arrays.fill(y, yo + j * ySize, yo + (j + 1) * ySize, bias);
        }
        for (int r0 = 0; r0 < rows; r0 += tileRows) {
          int rc = Math.min(tileRows, rows - r0);
          int cols = rc * g.outW;
          Gemm.sgemm(
              true,
              false,
              ck,
              cols,
              cg,
              1f,
              w,
              wo,
              ck,
              x,
              xo + r0 * g.outW,
              xSize,
              0f,
              col,
              0,
              cols);
          ReferenceIm2col.col2im(col, 0, mg, g, r0, rc, y, yo);
        }
      }
    }
  }

  static void transposeDouble(
      ConvOp.Geometry geo,
      double[] x,
      int xOff,
      double[] w,
      int wOff,
      double[] b,
      int bOff,
      double[] y,
      int yOff) {
    SlidingWindow g = geo.g();
    int ySize = g.inSize();
    int xSize = g.outSize();
    int cg = geo.mg();
    int mg = geo.cg();
    int ck = geo.ck();
    int tileRows = geo.tileRows();
    int rows = g.outD * g.outH;
    double[] col = new double[ck * tileRows * g.outW];
    for (int n = 0; n < geo.n(); n++) {
      for (int grp = 0; grp < geo.group(); grp++) {
        int xo = xOff + (n * geo.m() + grp * cg) * xSize;
        int yo = yOff + (n * geo.c() + grp * mg) * ySize;
        int wo = wOff + grp * cg * ck;
        for (int j = 0; j < mg; j++) {
          double bias = b == null ? 0 : b[bOff + grp * mg + j];
          Arrays.fill(y, yo + j * ySize, yo + (j + 1) * ySize, bias);
        }
        for (int r0 = 0; r0 < rows; r0 += tileRows) {
          int rc = Math.min(tileRows, rows - r0);
          int cols = rc * g.outW;
          ReferenceGemm.dgemm(
              true, false, ck, cols, cg, 1, w, wo, ck, x, xo + r0 * g.outW, xSize, 0, col, 0, cols);
          ReferenceIm2col.col2im(col, 0, mg, g, r0, rc, y, yo);
        }
      }
    }
  }
}
