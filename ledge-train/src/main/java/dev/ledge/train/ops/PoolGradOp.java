package dev.ledge.train.ops;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * {@code MaxPoolGrad(dy, x)} and {@code AveragePoolGrad(dy, x)} with the attributes of the forward
 * MaxPool / AveragePool node: the gradient with respect to x (shape of x).
 *
 * <p>Max: each output's gradient goes to the first maximum of its window (row-major order), found
 * again from x; padding never wins. {@code MaxPoolGrad(dy, x, argmax)} takes those positions from
 * {@link MaxPoolArgmaxOp}'s int32 Argmax output instead (x gives only the shape) and scatters.
 * Average: each output's gradient is spread evenly over the window's positions inside the input,
 * divided by the forward op's divisor: the number of those positions, or with {@code
 * count_include_pad} the number inside the explicitly padded input.
 */
final class PoolGradOp implements Operator {
  private final boolean max;

  PoolGradOp(boolean max) {
    this.max = max;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, max ? 3 : 2);
    DType t = FloatTypes.same(ctx, 0, 1);
    if (ctx.inputCount() > 2 && ctx.hasInput(2)) {
      ctx.requireInputType(2, DType.INT32);
    }
    Geometry.Attrs a = Geometry.Attrs.of(ctx, true);
    boolean includePad = ctx.attrInt("count_include_pad", 0) != 0;
    boolean ceil = ctx.attrInt("ceil_mode", 0) != 0;
    int rank = FloatTypes.rank(ctx, 1);
    if (rank >= 0 && rank != a.kernel().length + 2) {
      throw ctx.error(
          "input has rank " + rank + ", expected " + (a.kernel().length + 2) + " for the kernel");
    }
    ctx.setOutput(0, t, ctx.inputShape(1));
    return exec -> run(exec, a, includePad, ceil);
  }

  /** What one pair of shapes gives (kept between runs as kernel state). */
  private record Cached(int[] xs, int[] ys, Geometry g) {}

  private void run(ExecContext ctx, Geometry.Attrs a, boolean includePad, boolean ceil) {
    Tensor dy = ctx.input(0);
    Tensor x = ctx.input(1);
    FloatTypes.sameType(ctx, dy, x);
    Cached cached =
        ctx.kernelState() instanceof Cached c && x.hasShape(c.xs()) && dy.hasShape(c.ys())
            ? c
            : null;
    if (cached == null) {
      int[] xs = x.shape();
      int[] ys = dy.shape();
      if (xs.length != a.kernel().length + 2
          || ys.length != xs.length
          || ys[0] != xs[0]
          || ys[1] != xs[1]) {
        throw ctx.error(
            "gradient " + Arrays.toString(ys) + " does not match input " + Arrays.toString(xs));
      }
      Geometry g =
          Geometry.of(
              ctx,
              a,
              Arrays.copyOfRange(xs, 2, xs.length),
              Arrays.copyOfRange(ys, 2, ys.length),
              a.kernel(),
              ceil);
      cached = new Cached(xs, ys, g);
      ctx.setKernelState(cached);
    }
    int[] xs = cached.xs();
    Geometry g = cached.g();
    Tensor dx = ctx.output(0, x.dtype(), xs);
    Tensor argmax = ctx.inputCount() > 2 ? ctx.input(2) : null;
    if (argmax != null) {
      scatter(ctx, dy, argmax, dx);
      return;
    }
    int planes = xs[0] * xs[1];
    if (x.dtype() == DType.FLOAT32) {
      float[] o = dx.floats();
      Arrays.fill(o, dx.offset(), dx.offset() + dx.size(), 0f);
      if (max && MaxPoolKernels.plain2d(g)) {
        maxGrad2d(g, planes, dy.floats(), dy.offset(), x.floats(), x.offset(), o, dx.offset());
      } else if (max) {
        maxGrad(g, planes, dy.floats(), dy.offset(), x.floats(), x.offset(), o, dx.offset());
      } else {
        avgGrad(g, planes, includePad, dy.floats(), dy.offset(), o, dx.offset());
      }
    } else {
      double[] o = dx.doubles();
      Arrays.fill(o, dx.offset(), dx.offset() + dx.size(), 0);
      if (max) {
        maxGrad(g, planes, dy.doubles(), dy.offset(), x.doubles(), x.offset(), o, dx.offset());
      } else {
        avgGrad(g, planes, includePad, dy.doubles(), dy.offset(), o, dx.offset());
      }
    }
  }

  /** The gradient through recorded argmax positions. */
  private static void scatter(ExecContext ctx, Tensor dy, Tensor argmax, Tensor dx) {
    if (argmax.dtype() != DType.INT32 || !argmax.sameShape(dy)) {
      throw ctx.error(
          "argmax "
              + argmax
              + " does not match the gradient "
              + Arrays.toString(dy.shape())
              + " (expected int32 of that shape)");
    }
    int n = dy.size();
    int bad;
    if (dx.dtype() == DType.FLOAT32) {
      float[] o = dx.floats();
      Arrays.fill(o, dx.offset(), dx.offset() + dx.size(), 0f);
      bad =
          MaxPoolKernels.backward(
              n,
              dy.floats(),
              dy.offset(),
              argmax.ints(),
              argmax.offset(),
              o,
              dx.offset(),
              dx.size());
    } else {
      double[] o = dx.doubles();
      Arrays.fill(o, dx.offset(), dx.offset() + dx.size(), 0);
      bad =
          MaxPoolKernels.backward(
              n,
              dy.doubles(),
              dy.offset(),
              argmax.ints(),
              argmax.offset(),
              o,
              dx.offset(),
              dx.size());
    }
    if (bad >= 0) {
      throw ctx.error(
          "argmax "
              + argmax.ints()[argmax.offset() + bad]
              + " at output "
              + bad
              + " is outside the input of "
              + dx.size()
              + " elements");
    }
  }

  /**
   * {@link #maxGrad} for {@link MaxPoolKernels#plain2d} windows: no bounds checks in the window
   * loops.
   */
  private static void maxGrad2d(
      Geometry g, int planes, float[] dy, int dyo, float[] x, int xo, float[] dx, int dxo) {
    int inH = g.in[1];
    int inW = g.in[2];
    int outH = g.out[1];
    int outW = g.out[2];
    int kh = g.k[1];
    int kw = g.k[2];
    int sh = g.s[1];
    int sw = g.s[2];
    int o = dyo;
    for (int p = 0; p < planes; p++) {
      int base = p * inH * inW;
      for (int oh = 0; oh < outH; oh++) {
        int rowStart = base + oh * sh * inW;
        for (int ow = 0; ow < outW; ow++, o++) {
          int first = rowStart + ow * sw;
          int best = first;
          float bv = x[xo + first];
          for (int i = 0; i < kh; i++) {
            int r = first + i * inW;
            for (int j = 0; j < kw; j++) {
              float v = x[xo + r + j];
              if (v > bv) {
                bv = v;
                best = r + j;
              }
            }
          }
          dx[dxo + best] += dy[o];
        }
      }
    }
  }

  private static void maxGrad(
      Geometry g, int planes, float[] dy, int dyo, float[] x, int xo, float[] dx, int dxo) {
    int inSize = g.inSize();
    int o = dyo;
    for (int p = 0; p < planes; p++) {
      int base = p * inSize;
      for (int od = 0; od < g.out[0]; od++) {
        for (int oh = 0; oh < g.out[1]; oh++) {
          for (int ow = 0; ow < g.out[2]; ow++, o++) {
            int best = -1;
            float bv = 0;
            for (int kd = 0; kd < g.k[0]; kd++) {
              int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
              if (id < 0 || id >= g.in[0]) {
                continue;
              }
              for (int kh = 0; kh < g.k[1]; kh++) {
                int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                if (ih < 0 || ih >= g.in[1]) {
                  continue;
                }
                int row = base + (id * g.in[1] + ih) * g.in[2];
                for (int kw = 0; kw < g.k[2]; kw++) {
                  int iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                  if (iw < 0 || iw >= g.in[2]) {
                    continue;
                  }
                  float v = x[xo + row + iw];
                  if (best < 0 || v > bv) {
                    best = row + iw;
                    bv = v;
                  }
                }
              }
            }
            if (best >= 0) {
              dx[dxo + best] += dy[o];
            }
          }
        }
      }
    }
  }

  private static void maxGrad(
      Geometry g, int planes, double[] dy, int dyo, double[] x, int xo, double[] dx, int dxo) {
    int inSize = g.inSize();
    int o = dyo;
    for (int p = 0; p < planes; p++) {
      int base = p * inSize;
      for (int od = 0; od < g.out[0]; od++) {
        for (int oh = 0; oh < g.out[1]; oh++) {
          for (int ow = 0; ow < g.out[2]; ow++, o++) {
            int best = -1;
            double bv = 0;
            for (int kd = 0; kd < g.k[0]; kd++) {
              int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
              if (id < 0 || id >= g.in[0]) {
                continue;
              }
              for (int kh = 0; kh < g.k[1]; kh++) {
                int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                if (ih < 0 || ih >= g.in[1]) {
                  continue;
                }
                int row = base + (id * g.in[1] + ih) * g.in[2];
                for (int kw = 0; kw < g.k[2]; kw++) {
                  int iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                  if (iw < 0 || iw >= g.in[2]) {
                    continue;
                  }
                  double v = x[xo + row + iw];
                  if (best < 0 || v > bv) {
                    best = row + iw;
                    bv = v;
                  }
                }
              }
            }
            if (best >= 0) {
              dx[dxo + best] += dy[o];
            }
          }
        }
      }
    }
  }

  /** The divisor of an average window: positions inside the input or the padded input. */
  private static int count(Geometry g, int od, int oh, int ow, boolean includePad) {
    int c = 1;
    int[] o = {od, oh, ow};
    for (int j = 0; j < 3; j++) {
      int lo = includePad ? -g.pb[j] : 0;
      int hi = includePad ? g.in[j] + g.pe[j] : g.in[j];
      int n = 0;
      for (int kk = 0; kk < g.k[j]; kk++) {
        int i = o[j] * g.s[j] - g.pb[j] + kk * g.d[j];
        if (i >= lo && i < hi) {
          n++;
        }
      }
      c *= n;
    }
    return c;
  }

  private static void avgGrad(
      Geometry g, int planes, boolean includePad, float[] dy, int dyo, float[] dx, int dxo) {
    int inSize = g.inSize();
    int outSize = g.outSize();
    float[] inv = new float[outSize];
    for (int od = 0, o = 0; od < g.out[0]; od++) {
      for (int oh = 0; oh < g.out[1]; oh++) {
        for (int ow = 0; ow < g.out[2]; ow++, o++) {
          int c = count(g, od, oh, ow, includePad);
          inv[o] = c == 0 ? 0f : (float) (1.0 / c);
        }
      }
    }
    for (int p = 0; p < planes; p++) {
      int base = dxo + p * inSize;
      int yb = dyo + p * outSize;
      for (int od = 0, o = 0; od < g.out[0]; od++) {
        for (int oh = 0; oh < g.out[1]; oh++) {
          for (int ow = 0; ow < g.out[2]; ow++, o++) {
            float v = dy[yb + o] * inv[o];
            for (int kd = 0; kd < g.k[0]; kd++) {
              int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
              if (id < 0 || id >= g.in[0]) {
                continue;
              }
              for (int kh = 0; kh < g.k[1]; kh++) {
                int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                if (ih < 0 || ih >= g.in[1]) {
                  continue;
                }
                int row = base + (id * g.in[1] + ih) * g.in[2];
                for (int kw = 0; kw < g.k[2]; kw++) {
                  int iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                  if (iw >= 0 && iw < g.in[2]) {
                    dx[row + iw] += v;
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  private static void avgGrad(
      Geometry g, int planes, boolean includePad, double[] dy, int dyo, double[] dx, int dxo) {
    int inSize = g.inSize();
    int outSize = g.outSize();
    double[] inv = new double[outSize];
    for (int od = 0, o = 0; od < g.out[0]; od++) {
      for (int oh = 0; oh < g.out[1]; oh++) {
        for (int ow = 0; ow < g.out[2]; ow++, o++) {
          int c = count(g, od, oh, ow, includePad);
          inv[o] = c == 0 ? 0 : 1.0 / c;
        }
      }
    }
    for (int p = 0; p < planes; p++) {
      int base = dxo + p * inSize;
      int yb = dyo + p * outSize;
      for (int od = 0, o = 0; od < g.out[0]; od++) {
        for (int oh = 0; oh < g.out[1]; oh++) {
          for (int ow = 0; ow < g.out[2]; ow++, o++) {
            double v = dy[yb + o] * inv[o];
            for (int kd = 0; kd < g.k[0]; kd++) {
              int id = od * g.s[0] - g.pb[0] + kd * g.d[0];
              if (id < 0 || id >= g.in[0]) {
                continue;
              }
              for (int kh = 0; kh < g.k[1]; kh++) {
                int ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                if (ih < 0 || ih >= g.in[1]) {
                  continue;
                }
                int row = base + (id * g.in[1] + ih) * g.in[2];
                for (int kw = 0; kw < g.k[2]; kw++) {
                  int iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                  if (iw >= 0 && iw < g.in[2]) {
                    dx[row + iw] += v;
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
