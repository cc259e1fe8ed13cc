package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Gradients of ONNX Conv (1 to 3 spatial dims, groups including depthwise, strides, dilations,
 * explicit or automatic padding), with the forward node's attributes:
 *
 * <ul>
 *   <li>{@code ConvGradInput(dy, W, x)}: dL/dx (shape of x; only x's shape is read);
 *   <li>{@code ConvGradWeight(dy, x, W)}: dL/dW (shape of W; only W's shape is read).
 * </ul>
 *
 * <p>float64 uses direct loops over the definition (the reference, checked against finite
 * differences). float32 uses {@link ShiftedConv} for stride-1 2-D convolutions it takes (no im2col:
 * kernel taps are offsets into the input planes), else im2col and one GEMM per group over a chunk
 * of images, except for depthwise convolutions (one input channel per group), where direct loops
 * are faster. All are tested against the float64 loops.
 */
final class ConvGradOp implements Operator {
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[2][0]);

  private final boolean input;

  ConvGradOp(boolean input) {
    this.input = input;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(3, 3);
    DType t = FloatTypes.same(ctx, 0, 1);
    FloatTypes.same(ctx, 0, 2);
    Geometry.Attrs a = Geometry.Attrs.of(ctx, false);
    long group = ctx.attrInt("group", 1);
    if (group < 1) {
      throw ctx.error("group must be >= 1, got " + group);
    }
    ctx.setOutput(0, t, ctx.inputShape(2));
    return exec -> run(exec, a, (int) group);
  }

  /** The sizes derived from one set of input shapes (kept between runs as kernel state). */
  private record Cached(int[] xs, int[] ws, int[] ys, Shape s) {}

  private void run(ExecContext ctx, Geometry.Attrs a, int group) {
    Tensor dy = ctx.input(0);
    Tensor x = input ? ctx.input(2) : ctx.input(1);
    Tensor w = input ? ctx.input(1) : ctx.input(2);
    FloatTypes.sameType(ctx, dy, input ? w : x);
    Cached cached =
        ctx.kernelState() instanceof Cached c
                && x.hasShape(c.xs())
                && w.hasShape(c.ws())
                && dy.hasShape(c.ys())
            ? c
            : null;
    if (cached == null) {
      cached = sizes(ctx, a, group, x.shape(), w.shape(), dy.shape());
      ctx.setKernelState(cached);
    }
    Shape s = cached.s();
    Geometry g = s.g();
    int n = s.n();
    int[] xs = cached.xs();
    int[] ws = cached.ws();
    if (dy.dtype() == DType.FLOAT64) {
      Tensor out = ctx.output(0, DType.FLOAT64, input ? xs : ws);
      double[] o = out.doubles();
      Arrays.fill(o, out.offset(), out.offset() + out.size(), 0);
      direct(
          s,
          dy.doubles(),
          dy.offset(),
          (input ? w : x).doubles(),
          (input ? w : x).offset(),
          o,
          out.offset());
      return;
    }
    Tensor out = ctx.output(0, DType.FLOAT32, input ? xs : ws);
    float[] o = out.floats();
    float[] other = (input ? w : x).floats();
    int otherOff = (input ? w : x).offset();
    if (input && s.cg > 1 && ShiftedConv.fitsInputGrad(g, s.cg)) {
      ShiftedConv.inputGrad(
          g, n, s.cg, s.mg, group, dy.floats(), dy.offset(), other, otherOff, o, out.offset());
      return;
    }
    Arrays.fill(o, out.offset(), out.offset() + out.size(), 0f);
    if (!input && !(s.cg == 1 && s.group > 1) && ShiftedConv.fitsWeightGrad(g, s.mg, s.cg)) {
      ShiftedConv.weightGrad(
          g, n, s.cg, s.mg, group, dy.floats(), dy.offset(), other, otherOff, o, out.offset());
      return;
    }
    if (s.cg == 1 && s.group > 1) {
      // Depthwise: a GEMM of one input channel per group is mostly overhead.
      direct(s, dy.floats(), dy.offset(), other, otherOff, o, out.offset());
    } else {
      gemm(s, dy.floats(), dy.offset(), other, otherOff, o, out.offset());
    }
  }

  private static Cached sizes(
      ExecContext ctx, Geometry.Attrs a, int group, int[] xs, int[] ws, int[] ys) {
    int r = xs.length - 2;
    if (r < 1 || ws.length != xs.length || ys.length != xs.length) {
      throw ctx.error(
          "shapes x "
              + Arrays.toString(xs)
              + ", W "
              + Arrays.toString(ws)
              + ", dy "
              + Arrays.toString(ys)
              + " are not those of a convolution with 1 to 3 spatial dims");
    }
    int n = xs[0];
    int c = xs[1];
    int m = ws[0];
    if (c % group != 0 || m % group != 0 || ws[1] != c / group || ys[0] != n || ys[1] != m) {
      throw ctx.error(
          "shapes x "
              + Arrays.toString(xs)
              + ", W "
              + Arrays.toString(ws)
              + ", dy "
              + Arrays.toString(ys)
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
    Geometry g =
        Geometry.of(
            ctx,
            a,
            Arrays.copyOfRange(xs, 2, xs.length),
            Arrays.copyOfRange(ys, 2, ys.length),
            kernel,
            false);
    return new Cached(xs, ws, ys, new Shape(n, c / group, m / group, group, g));
  }

  /** Sizes of one run. */
  private record Shape(int n, int cg, int mg, int group, Geometry g) {}

  /** First output index along dim j whose input position for kernel index kk is >= 0. */
  private static int lo(Geometry g, int j, int kk) {
    int num = g.pb[j] - kk * g.d[j];
    return num <= 0 ? 0 : Math.min(g.out[j], (num + g.s[j] - 1) / g.s[j]);
  }

  /** One past the last output index along dim j whose input position for kk is < in. */
  private static int hi(Geometry g, int j, int kk) {
    int num = g.in[j] - 1 + g.pb[j] - kk * g.d[j];
    return num < 0 ? 0 : Math.min(g.out[j], num / g.s[j] + 1);
  }

  // ---- direct loops (double reference; float for depthwise) ----

  private void direct(
      Shape s, double[] dy, int dyo, double[] other, int oo, double[] out, int outo) {
    Geometry g = s.g;
    int inSize = g.inSize();
    int outSize = g.outSize();
    int ks = g.kernelSize();
    int m = s.mg * s.group;
    int c = s.cg * s.group;
    for (int b = 0; b < s.n; b++) {
      for (int mm = 0; mm < m; mm++) {
        int grp = mm / s.mg;
        int yb = dyo + (b * m + mm) * outSize;
        for (int cc = 0; cc < s.cg; cc++) {
          int xb = (b * c + grp * s.cg + cc) * inSize;
          int wb = (mm * s.cg + cc) * ks;
          for (int kd = 0, kidx = 0; kd < g.k[0]; kd++) {
            for (int kh = 0; kh < g.k[1]; kh++) {
              for (int kw = 0; kw < g.k[2]; kw++, kidx++) {
                double acc = 0;
                double wv = input ? other[oo + wb + kidx] : 0;
                for (int od = lo(g, 0, kd); od < hi(g, 0, kd); od++) {
                  int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
                  for (int oh = lo(g, 1, kh); oh < hi(g, 1, kh); oh++) {
                    int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                    int xrow = xb + (id * g.in[1] + ih) * g.in[2];
                    int yrow = yb + (od * g.out[1] + oh) * g.out[2];
                    int owHi = hi(g, 2, kw);
                    for (int ow = lo(g, 2, kw); ow < owHi; ow++) {
                      int iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                      if (input) {
                        out[outo + xrow + iw] += dy[yrow + ow] * wv;
                      } else {
                        acc += dy[yrow + ow] * other[oo + xrow + iw];
                      }
                    }
                  }
                }
                if (!input) {
                  out[outo + wb + kidx] += acc;
                }
              }
            }
          }
        }
      }
    }
  }

  private void direct(Shape s, float[] dy, int dyo, float[] other, int oo, float[] out, int outo) {
    Geometry g = s.g;
    int inSize = g.inSize();
    int outSize = g.outSize();
    int ks = g.kernelSize();
    int m = s.mg * s.group;
    int c = s.cg * s.group;
    for (int b = 0; b < s.n; b++) {
      for (int mm = 0; mm < m; mm++) {
        int grp = mm / s.mg;
        int yb = dyo + (b * m + mm) * outSize;
        for (int cc = 0; cc < s.cg; cc++) {
          int xb = (b * c + grp * s.cg + cc) * inSize;
          int wb = (mm * s.cg + cc) * ks;
          for (int kd = 0, kidx = 0; kd < g.k[0]; kd++) {
            for (int kh = 0; kh < g.k[1]; kh++) {
              for (int kw = 0; kw < g.k[2]; kw++, kidx++) {
                float acc = 0;
                float wv = input ? other[oo + wb + kidx] : 0;
                for (int od = lo(g, 0, kd); od < hi(g, 0, kd); od++) {
                  int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
                  for (int oh = lo(g, 1, kh); oh < hi(g, 1, kh); oh++) {
                    int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                    int xrow = xb + (id * g.in[1] + ih) * g.in[2];
                    int yrow = yb + (od * g.out[1] + oh) * g.out[2];
                    int owHi = hi(g, 2, kw);
                    int iw0 = -g.pb[2] + kw * g.d[2];
                    if (input) {
                      for (int ow = lo(g, 2, kw); ow < owHi; ow++) {
                        out[outo + xrow + ow * g.s[2] + iw0] += dy[yrow + ow] * wv;
                      }
                    } else {
                      for (int ow = lo(g, 2, kw); ow < owHi; ow++) {
                        acc += dy[yrow + ow] * other[oo + xrow + ow * g.s[2] + iw0];
                      }
                    }
                  }
                }
                if (!input) {
                  out[outo + wb + kidx] += acc;
                }
              }
            }
          }
        }
      }
    }
  }

  // ---- im2col + GEMM (float) ----

  /** Scratch floats per buffer: images are processed in chunks whose im2col fits this. */
  private static final int CHUNK_FLOATS = 1 << 22;

  /**
   * Per group, one GEMM over a chunk of images at once (their columns side by side), so the
   * products are large even for small feature maps: dW_g = dY_g · colᵀ and dcol = W_gᵀ · dY_g, with
   * dY_g the group's gradient rows gathered as {@code [Mg, chunk * P]}.
   */
  private void gemm(Shape s, float[] dy, int dyo, float[] other, int oo, float[] out, int outo) {
    Geometry g = s.g;
    int inSize = g.inSize();
    int p = g.outSize();
    int kRows = s.cg * g.kernelSize();
    int m = s.mg * s.group;
    int c = s.cg * s.group;
    int chunk = (int) Math.max(1, Math.min(s.n, CHUNK_FLOATS / Math.max(1L, (long) kRows * p)));
    float[][] bufs = scratch(kRows * chunk * p, s.mg * chunk * p);
    float[] col = bufs[0];
    float[] dyg = bufs[1];
    for (int n0 = 0; n0 < s.n; n0 += chunk) {
      int nc = Math.min(chunk, s.n - n0);
      int ld = nc * p;
      for (int grp = 0; grp < s.group; grp++) {
        for (int b = 0; b < nc; b++) {
          for (int mm = 0; mm < s.mg; mm++) {
            System.arraycopy(
                dy, dyo + ((n0 + b) * m + grp * s.mg + mm) * p, dyg, mm * ld + b * p, p);
          }
        }
        int wb = grp * s.mg * kRows;
        if (input) {
          ConvGemm.atb(s.mg, kRows, ld, other, oo + wb, kRows, dyg, 0, ld, col, 0, ld);
          for (int b = 0; b < nc; b++) {
            col2im(g, s.cg, col, b * p, ld, out, outo + ((n0 + b) * c + grp * s.cg) * inSize);
          }
        } else {
          for (int b = 0; b < nc; b++) {
            im2col(g, s.cg, other, oo + ((n0 + b) * c + grp * s.cg) * inSize, col, b * p, ld);
          }
          ConvGemm.abt(s.mg, kRows, ld, dyg, 0, ld, col, 0, ld, out, outo + wb, kRows);
        }
      }
    }
  }

  private static float[][] scratch(int colSize, int dySize) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < colSize) {
      holder[0] = new float[colSize];
    }
    if (holder[1].length < dySize) {
      holder[1] = new float[dySize];
    }
    return holder;
  }

  /** col[(c, kd, kh, kw), (od, oh, ow)] = x[c, position] or 0 in the padding. */
  static void im2col(Geometry g, int channels, float[] x, int xo, float[] col, int colOff, int ld) {
    int inSize = g.inSize();
    int p = g.outSize();
    int row = 0;
    for (int ch = 0; ch < channels; ch++) {
      int xb = xo + ch * inSize;
      for (int kd = 0; kd < g.k[0]; kd++) {
        for (int kh = 0; kh < g.k[1]; kh++) {
          for (int kw = 0; kw < g.k[2]; kw++, row++) {
            int cb = row * ld + colOff;
            int owLo = lo(g, 2, kw);
            int owHi = hi(g, 2, kw);
            boolean full =
                owLo == 0
                    && owHi == g.out[2]
                    && lo(g, 1, kh) == 0
                    && hi(g, 1, kh) == g.out[1]
                    && lo(g, 0, kd) == 0
                    && hi(g, 0, kd) == g.out[0];
            if (!full) {
              Arrays.fill(col, cb, cb + p, 0f); // positions in the padding stay 0
            }
            int iw0 = -g.pb[2] + kw * g.d[2];
            for (int od = lo(g, 0, kd); od < hi(g, 0, kd); od++) {
              int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
              for (int oh = lo(g, 1, kh); oh < hi(g, 1, kh); oh++) {
                int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                int xrow = xb + (id * g.in[1] + ih) * g.in[2] + iw0;
                int crow = cb + (od * g.out[1] + oh) * g.out[2];
                if (g.s[2] == 1) {
                  System.arraycopy(x, xrow + owLo, col, crow + owLo, owHi - owLo);
                } else {
                  for (int ow = owLo; ow < owHi; ow++) {
                    col[crow + ow] = x[xrow + ow * g.s[2]];
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** x[c, position] += col[(c, k), o] for every in-bounds position: the adjoint of im2col. */
  static void col2im(Geometry g, int channels, float[] col, int colOff, int ld, float[] x, int xo) {
    int inSize = g.inSize();
    int row = 0;
    for (int ch = 0; ch < channels; ch++) {
      int xb = xo + ch * inSize;
      for (int kd = 0; kd < g.k[0]; kd++) {
        for (int kh = 0; kh < g.k[1]; kh++) {
          for (int kw = 0; kw < g.k[2]; kw++, row++) {
            int cb = row * ld + colOff;
            int owLo = lo(g, 2, kw);
            int owHi = hi(g, 2, kw);
            int iw0 = -g.pb[2] + kw * g.d[2];
            for (int od = lo(g, 0, kd); od < hi(g, 0, kd); od++) {
              int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
              for (int oh = lo(g, 1, kh); oh < hi(g, 1, kh); oh++) {
                int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                int xrow = xb + (id * g.in[1] + ih) * g.in[2] + iw0;
                int crow = cb + (od * g.out[1] + oh) * g.out[2];
                if (g.s[2] == 1) {
                  for (int ow = owLo; ow < owHi; ow++) {
                    x[xrow + ow] += col[crow + ow];
                  }
                } else {
                  for (int ow = owLo; ow < owHi; ow++) {
                    x[xrow + ow * g.s[2]] += col[crow + ow];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
