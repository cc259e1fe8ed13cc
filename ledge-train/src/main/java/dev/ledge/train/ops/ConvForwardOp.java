package dev.ledge.train.ops;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.Gemm;
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
 * {@code dev.ledge.train.Conv(X, W, B?)}: ONNX Conv (1 to 3 spatial dims, groups, strides,
 * dilations, pads, auto_pad) computed by the training kernels, so the forward pass of a training
 * step shares {@link ShiftedConv}'s correlation with ConvGradInput: stride-1 2-D float32
 * convolutions with at least 4 output channels per group run there; other float32 ones run im2col
 * and a GEMM per image and group; float64 runs direct loops (the reference). Training graphs use it
 * in place of the Conv nodes ShiftedConv takes (see {@code dev.ledge.train.TrainingGraph}); its
 * gradient rule is Conv's.
 */
final class ConvForwardOp implements Operator {
  private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 3);
    DType t = FloatTypes.same(ctx, 0, 1);
    if (ctx.inputCount() > 2 && ctx.hasInput(2)) {
      FloatTypes.same(ctx, 0, 2);
    }
    Geometry.Attrs a = Geometry.Attrs.of(ctx, false);
    long group = ctx.attrInt("group", 1);
    if (group < 1) {
      throw ctx.error("group must be >= 1, got " + group);
    }
    Shape xs = ctx.inputShape(0);
    Shape ws = ctx.inputShape(1);
    Shape ys = null;
    if (xs != null) {
      int r = xs.rank() - 2;
      List<Dim> dims = new ArrayList<>();
      dims.add(xs.dim(0));
      dims.add(ws != null && ws.rank() == xs.rank() ? ws.dim(0) : Dim.unknown());
      int[] in = new int[Math.max(0, r)];
      long[] kernel = a.kernel();
      if (kernel == null && ws != null && ws.rank() == xs.rank()) {
        int[] w = ws.toIntsOrNull();
        kernel = w == null ? null : Arrays.stream(w, 2, w.length).asLongStream().toArray();
      }
      boolean known = kernel != null && kernel.length == r;
      for (int i = 0; i < r && known; i++) {
        known = xs.dim(i + 2).isKnown();
        in[i] = known ? (int) xs.dim(i + 2).value() : 0;
      }
      if (known) {
        for (int o : Geometry.outputDims(a, kernel, in, false, ctx::error)) {
          dims.add(Dim.of(o));
        }
      } else {
        dims.addAll(Shape.unknownDims(Math.max(0, r)).dims());
      }
      ys = new Shape(dims);
    }
    ctx.setOutput(0, t, ys);
    return exec -> run(exec, a, (int) group);
  }

  /** What one pair of input shapes gives (kept between runs as kernel state). */
  private record Cached(int[] xs, int[] ws, Geometry g, int[] ys) {}

  private static void run(ExecContext ctx, Geometry.Attrs a, int group) {
    Tensor x = ctx.input(0);
    Tensor w = ctx.input(1);
    Tensor b = ctx.inputCount() > 2 ? ctx.input(2) : null;
    FloatTypes.sameType(ctx, x, w);
    Cached cached =
        ctx.kernelState() instanceof Cached c && x.hasShape(c.xs()) && w.hasShape(c.ws())
            ? c
            : null;
    if (cached == null) {
      cached = sizes(ctx, a, group, x.shape(), w.shape());
      ctx.setKernelState(cached);
    }
    int m = cached.ws()[0];
    if (b != null && (b.dtype() != x.dtype() || b.size() != m || b.rank() != 1)) {
      throw ctx.error("B is " + b + ", expected " + x.dtype() + " [" + m + "]");
    }
    Geometry g = cached.g();
    Tensor y = ctx.output(0, x.dtype(), cached.ys());
    int n = cached.xs()[0];
    int cg = cached.ws()[1];
    int mg = m / group;
    if (x.dtype() == DType.FLOAT64) {
      direct(g, n, cg, mg, group, x, w, b, y);
    } else if (ShiftedConv.fitsForward(g, mg)) {
      ShiftedConv.forward(
          g,
          n,
          cg,
          mg,
          group,
          x.floats(),
          x.offset(),
          w.floats(),
          w.offset(),
          b == null ? null : b.floats(),
          b == null ? 0 : b.offset(),
          y.floats(),
          y.offset());
    } else {
      gemm(g, n, cg, mg, group, x, w, b, y);
    }
  }

  private static Cached sizes(ExecContext ctx, Geometry.Attrs a, int group, int[] xs, int[] ws) {
    int r = xs.length - 2;
    if (r < 1 || r > 3 || ws.length != xs.length) {
      throw ctx.error(
          "shapes X "
              + Arrays.toString(xs)
              + ", W "
              + Arrays.toString(ws)
              + " are not those of a convolution with 1 to 3 spatial dims");
    }
    int c = xs[1];
    int m = ws[0];
    if (c % group != 0 || m % group != 0 || ws[1] != c / group) {
      throw ctx.error(
          "shapes X "
              + Arrays.toString(xs)
              + ", W "
              + Arrays.toString(ws)
              + " do not fit group "
              + group);
    }
    long[] kernel = new long[r];
    for (int i = 0; i < r; i++) {
      kernel[i] = ws[i + 2];
    }
    if (a.kernel() != null && !Arrays.equals(a.kernel(), kernel)) {
      throw ctx.error(
          "kernel_shape "
              + Arrays.toString(a.kernel())
              + " differs from W's "
              + Arrays.toString(kernel));
    }
    int[] in = Arrays.copyOfRange(xs, 2, xs.length);
    int[] out = Geometry.outputDims(a, kernel, in, false, ctx::error);
    Geometry g = Geometry.of(ctx, a, in, out, kernel, false);
    int[] ys = new int[xs.length];
    ys[0] = xs[0];
    ys[1] = m;
    System.arraycopy(out, 0, ys, 2, r);
    return new Cached(xs, ws, g, ys);
  }

  /** im2col of each image and group, then {@code y_g = W_g · col (+ B)}. */
  private static void gemm(
      Geometry g, int n, int cg, int mg, int group, Tensor x, Tensor w, Tensor b, Tensor y) {
    int p = g.outSize();
    int k = cg * g.kernelSize();
    float[] col = COLUMNS.get();
    if (col.length < k * p) {
      col = new float[k * p];
      COLUMNS.set(col);
    }
    float[] yv = y.floats();
    for (int img = 0; img < n; img++) {
      for (int grp = 0; grp < group; grp++) {
        ConvGradOp.im2col(
            g, cg, x.floats(), x.offset() + (img * group + grp) * cg * g.inSize(), col, 0, p);
        int yo = y.offset() + (img * group + grp) * mg * p;
        for (int mm = 0; mm < mg; mm++) {
          float bias = b == null ? 0f : b.floats()[b.offset() + grp * mg + mm];
          Arrays.fill(yv, yo + mm * p, yo + (mm + 1) * p, bias);
        }
        Gemm.sgemm(
            false,
            false,
            mg,
            p,
            k,
            1f,
            w.floats(),
            w.offset() + grp * mg * k,
            k,
            col,
            0,
            p,
            1f,
            yv,
            yo,
            p);
      }
    }
  }

  /** The definition, in float64. */
  private static void direct(
      Geometry g, int n, int cg, int mg, int group, Tensor x, Tensor w, Tensor b, Tensor y) {
    double[] xv = x.doubles();
    double[] wv = w.doubles();
    double[] yv = y.doubles();
    int m = mg * group;
    int c = cg * group;
    int ks = g.kernelSize();
    int o = y.offset();
    for (int img = 0; img < n; img++) {
      for (int mm = 0; mm < m; mm++) {
        int grp = mm / mg;
        double bias = b == null ? 0 : b.doubles()[b.offset() + mm];
        for (int od = 0; od < g.out[0]; od++) {
          for (int oh = 0; oh < g.out[1]; oh++) {
            for (int ow = 0; ow < g.out[2]; ow++, o++) {
              double acc = bias;
              for (int cc = 0; cc < cg; cc++) {
                int xb = x.offset() + (img * c + grp * cg + cc) * g.inSize();
                int wb = w.offset() + (mm * cg + cc) * ks;
                for (int kd = 0, t = 0; kd < g.k[0]; kd++) {
                  int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
                  for (int kh = 0; kh < g.k[1]; kh++) {
                    int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                    for (int kw = 0; kw < g.k[2]; kw++, t++) {
                      int iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                      if (id >= 0
                          && id < g.in[0]
                          && ih >= 0
                          && ih < g.in[1]
                          && iw >= 0
                          && iw < g.in[2]) {
                        acc += xv[xb + (id * g.in[1] + ih) * g.in[2] + iw] * wv[wb + t];
                      }
                    }
                  }
                }
              }
              yv[o] = acc;
            }
          }
        }
      }
    }
  }
}
