package dev.ledge.train.ops;

import dev.ledge.kernels.KernelProvider;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling that records the argmax of every window ({@link MaxPoolArgmaxOp}) and its gradient, a
 * scatter through those indices. The window loops follow {@link Geometry}: positions outside the
 * input are padding and never win.
 */
final class MaxPoolKernels {
  private static final boolean SIMD = KernelProvider.current().simd();

  private MaxPoolKernels() {}

  /**
   * True if the pooling is 2-D (no depth, or depth 1 everywhere) and every window lies inside the
   * input (no padding, no dilation).
   */
  static boolean plain2d(Geometry g) {
    return g.in[0] == 1
        && g.out[0] == 1
        && g.k[0] == 1
        && g.pb[1] == 0
        && g.pb[2] == 0
        && g.d[1] == 1
        && g.d[2] == 1
        && (g.out[1] - 1) * g.s[1] + g.k[1] <= g.in[1]
        && (g.out[2] - 1) * g.s[2] + g.k[2] <= g.in[2];
  }

  /**
   * Pools {@code planes} planes of x into y and writes each maximum's flat index into x (counted
   * from {@code xo}) to {@code idx}: the first NaN of the window in row-major order, else its first
   * maximum; -1 (and y = -infinity) for a window with no position inside the input.
   */
  static void forward(
      Geometry g, int planes, float[] x, int xo, float[] y, int yo, int[] idx, int io) {
    if (plain2d(g)) {
      if (SIMD && g.k[1] == 2 && g.k[2] == 2 && g.s[1] == 2 && g.s[2] == 2) {
        Simd.forward2x2(g, planes, x, xo, y, yo, idx, io);
      } else {
        forward2d(g, planes, x, xo, y, yo, idx, io);
      }
      return;
    }
    int inSize = g.inSize();
    int o = 0;
    for (int p = 0; p < planes; p++) {
      int base = p * inSize;
      for (int od = 0; od < g.out[0]; od++) {
        for (int oh = 0; oh < g.out[1]; oh++) {
          for (int ow = 0; ow < g.out[2]; ow++, o++) {
            float best = Float.NEGATIVE_INFINITY;
            int at = -1;
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
                  if (at < 0 || v > best || (v != v && best == best)) {
                    at = row + iw;
                  }
                  best = Math.max(best, v); // NaN propagates, as in MaxPool
                }
              }
            }
            y[yo + o] = best;
            idx[io + o] = at;
          }
        }
      }
    }
  }

  /** {@link #forward} for {@link #plain2d} windows: no bounds checks in the window loops. */
  private static void forward2d(
      Geometry g, int planes, float[] x, int xo, float[] y, int yo, int[] idx, int io) {
    int inH = g.in[1];
    int inW = g.in[2];
    int outH = g.out[1];
    int outW = g.out[2];
    int kh = g.k[1];
    int kw = g.k[2];
    int sh = g.s[1];
    int sw = g.s[2];
    int o = 0;
    for (int p = 0; p < planes; p++) {
      int base = p * inH * inW;
      for (int oh = 0; oh < outH; oh++) {
        int rowStart = base + oh * sh * inW;
        for (int ow = 0; ow < outW; ow++, o++) {
          int first = rowStart + ow * sw;
          int at = first;
          float best = x[xo + first];
          for (int i = 0; i < kh; i++) {
            int r = first + i * inW;
            for (int j = 0; j < kw; j++) {
              float v = x[xo + r + j];
              if (v > best || (v != v && best == best)) {
                at = r + j;
              }
              best = Math.max(best, v);
            }
          }
          y[yo + o] = best;
          idx[io + o] = at;
        }
      }
    }
  }

  /** The float64 {@link #forward}. */
  static void forward(
      Geometry g, int planes, double[] x, int xo, double[] y, int yo, int[] idx, int io) {
    int inSize = g.inSize();
    int o = 0;
    for (int p = 0; p < planes; p++) {
      int base = p * inSize;
      for (int od = 0; od < g.out[0]; od++) {
        for (int oh = 0; oh < g.out[1]; oh++) {
          for (int ow = 0; ow < g.out[2]; ow++, o++) {
            double best = Double.NEGATIVE_INFINITY;
            int at = -1;
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
                  if (at < 0 || v > best || (v != v && best == best)) {
                    at = row + iw;
                  }
                  best = Math.max(best, v);
                }
              }
            }
            y[yo + o] = best;
            idx[io + o] = at;
          }
        }
      }
    }
  }

  /**
   * {@code dx[idx[o]] += dy[o]} for the n outputs (dx zeroed by the caller), in output order so
   * overlapping windows add up the same way every time. Returns the first output whose index is
   * outside {@code [-1, size)} (after scattering the ones before it), or -1 if there is none.
   */
  static int backward(
      int n, float[] dy, int dyo, int[] idx, int io, float[] dx, int dxo, int size) {
    for (int o = 0; o < n; o++) {
      int at = idx[io + o];
      if (at >= 0) {
        if (at >= size) {
          return o;
        }
        dx[dxo + at] += dy[dyo + o];
      } else if (at != -1) {
        return o;
      }
    }
    return -1;
  }

  /** The float64 {@link #backward}. */
  static int backward(
      int n, double[] dy, int dyo, int[] idx, int io, double[] dx, int dxo, int size) {
    for (int o = 0; o < n; o++) {
      int at = idx[io + o];
      if (at >= 0) {
        if (at >= size) {
          return o;
        }
        dx[dxo + at] += dy[dyo + o];
      } else if (at != -1) {
        return o;
      }
    }
    return -1;
  }

  /**
   * Vector API kernels (loaded only when the module is present). Scalar window loops cost a
   * mispredicted branch or a serial max per element; these do a whole row of windows at once.
   */
  private static final class Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();

    /** Lane j takes element 2j (EVEN) or 2j + 1 (ODD) of two vectors side by side. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, j -> 2 * j);

    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, j -> 2 * j + 1);

    /** 0, 2, 4, ...: the offset of each window in its row pair. */
    private static final IntVector TWICE_IOTA = IntVector.zero(I).addIndex(2);

    /**
     * 2x2 windows with stride 2, one output row (a pair of input rows) at a time, L outputs per
     * step: the maximum of each row of a window first (even and odd lanes), then of the two rows,
     * so ties and NaNs resolve to the first position in row-major order, as in the scalar loops.
     */
    static void forward2x2(
        Geometry g, int planes, float[] x, int xo, float[] y, int yo, int[] idx, int io) {
      int inW = g.in[2];
      int inSize = g.inSize();
      int outH = g.out[1];
      int outW = g.out[2];
      int o = 0;
      for (int p = 0; p < planes; p++) {
        for (int oh = 0; oh < outH; oh++, o += outW) {
          int r0 = p * inSize + 2 * oh * inW;
          for (int ow = 0; ow < outW; ow += L) {
            row(x, xo, r0, inW, ow, Math.min(L, outW - ow), y, yo + o, idx, io + o);
          }
        }
      }
    }

    /** Windows {@code ow .. ow + n} of the row pair starting at x[xo + r0]. */
    private static void row(
        float[] x, int xo, int r0, int inW, int ow, int n, float[] y, int yo, int[] idx, int io) {
      int at = xo + r0 + 2 * ow;
      VectorMask<Float> lo = S.indexInRange(0, 2 * n);
      VectorMask<Float> hi = S.indexInRange(L, 2 * n);
      FloatVector a0 = FloatVector.fromArray(S, x, at, lo);
      FloatVector a1 = FloatVector.fromArray(S, x, at + L, hi);
      FloatVector b0 = FloatVector.fromArray(S, x, at + inW, lo);
      FloatVector b1 = FloatVector.fromArray(S, x, at + inW + L, hi);
      FloatVector ae = a0.rearrange(EVEN, a1);
      FloatVector ao = a0.rearrange(ODD, a1);
      FloatVector be = b0.rearrange(EVEN, b1);
      FloatVector bo = b0.rearrange(ODD, b1);
      // The second candidate wins if it is greater, or NaN while the first is not.
      VectorMask<Float> aRight = ae.compare(VectorOperators.GE, ao).not().and(ae.eq(ae));
      VectorMask<Float> bRight = be.compare(VectorOperators.GE, bo).not().and(be.eq(be));
      FloatVector ma = ae.max(ao);
      FloatVector mb = be.max(bo);
      VectorMask<Float> down = ma.compare(VectorOperators.GE, mb).not().and(ma.eq(ma));
      VectorMask<Float> right = aRight.andNot(down).or(bRight.and(down));
      VectorMask<Float> out = S.indexInRange(0, n);
      ma.max(mb).intoArray(y, yo + ow, out);
      TWICE_IOTA
          .add(r0 + 2 * ow)
          .add(1, right.cast(I))
          .add(inW, down.cast(I))
          .intoArray(idx, io + ow, out.cast(I));
    }
  }
}
