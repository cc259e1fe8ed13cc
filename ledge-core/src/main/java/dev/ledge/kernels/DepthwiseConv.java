package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (one input channel and one output channel per group), 1-D or 2-D, float32.
 * A GEMM would multiply a 1-row matrix per channel; instead each output row is computed a vector of
 * output columns at a time in a register, each kernel tap adding {@code w * (input row shifted by
 * the tap)}. The shifted rows are masked loads: lanes whose input column falls into the padding
 * read nothing and give 0, so narrow rows and borders need no scalar code. With stride 2 each load
 * pair is deinterleaved. The masks depend only on the geometry and are computed once.
 *
 * <p>Computes {@code y = act(conv(x, w) + bias + z)}; the activation is applied to each channel's
 * plane when it is complete.
 */
public final class DepthwiseConv {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Lane indexes that pick the even lanes of two vectors (for {@code selectFrom}). */
  private static final FloatVector EVEN = evenLanes();

  private final SlidingWindow g;

  /** Vectors of output columns per row. */
  private final int chunks;

  /** Per chunk and kernel column: input column of the chunk's first lane (stride 1) or pair. */
  private final int[] column;

  /** Per chunk and kernel column: lanes to load (stride 1), or of the first vector of the pair. */
  private final VectorMask<Float>[] first;

  /** Per chunk and kernel column, stride 2: lanes to load of the second vector of the pair. */
  private final VectorMask<Float>[] second;

  /** Smallest and largest {@link #column}: how far before and after a row loads start. */
  private final int minColumn;

  private final int maxColumn;

  /** Per output row: the kernel rows {@code [khLo, khHi)} that fall inside the input. */
  private final int[] khLo;

  private final int[] khHi;

  /** Per chunk: lanes that are output columns. */
  private final VectorMask<Float>[] out;

  private DepthwiseConv(SlidingWindow g) {
    this.g = g;
    chunks = (g.outW + L - 1) / L;
    column = new int[chunks * g.kW];
    first = masks(chunks * g.kW);
    second = masks(chunks * g.kW);
    out = masks(chunks);
    int lo = 0;
    int hi = 0;
    for (int col : column) {
      lo = Math.min(lo, col);
      hi = Math.max(hi, col);
    }
    minColumn = lo;
    maxColumn = hi;
    khLo = new int[g.outH];
    khHi = new int[g.outH];
    for (int oh = 0; oh < g.outH; oh++) {
      khLo[oh] = g.kH;
      for (int kh = 0; kh < g.kH; kh++) {
        int ih = oh * g.sH - g.pH + kh * g.dH;
        if (ih >= 0 && ih < g.inH) {
          khLo[oh] = Math.min(khLo[oh], kh);
          khHi[oh] = kh + 1;
        }
      }
    }
    for (int q = 0; q < chunks; q++) {
      out[q] = VectorMask.fromLong(S, bits(0, Math.min(L, g.outW - q * L)));
      for (int kw = 0; kw < g.kW; kw++) {
        int i = q * g.kW + kw;
        // Input column of output column ow is ow * sW + shift.
        int shift = kw * g.dW - g.pW;
        int ow0 = q * L;
        int lanes = Math.min(L, g.outW - ow0);
        if (g.sW == 1) {
          column[i] = ow0 + shift;
          // Lanes l < lanes with 0 <= column + l < inW.
          first[i] =
              VectorMask.fromLong(
                  S, bits(Math.max(0, -column[i]), Math.min(lanes, g.inW - column[i])));
        } else {
          column[i] = 2 * ow0 + shift;
          // Output lane l reads lane 2l of the pair; only those lanes are loaded.
          long a = 0;
          long b = 0;
          for (int l = 0; l < lanes; l++) {
            int in = column[i] + 2 * l;
            if (in >= 0 && in < g.inW) {
              if (2 * l < L) {
                a |= 1L << (2 * l);
              } else {
                b |= 1L << (2 * l - L);
              }
            }
          }
          first[i] = VectorMask.fromLong(S, a);
          second[i] = VectorMask.fromLong(S, b);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static VectorMask<Float>[] masks(int n) {
    VectorMask<Float>[] m = new VectorMask[n];
    java.util.Arrays.fill(m, S.maskAll(false));
    return m;
  }

  private static long bits(int lo, int hi) {
    long m = 0;
    for (int l = Math.max(0, lo); l < Math.min(L, hi); l++) {
      m |= 1L << l;
    }
    return m;
  }

  private static FloatVector evenLanes() {
    float[] idx = new float[L];
    for (int i = 0; i < L; i++) {
      idx[i] = 2 * i;
    }
    return FloatVector.fromArray(S, idx, 0);
  }

  /**
   * True if this kernel handles the geometry: 1-D or 2-D windows, strides 1 and 2, any dilation.
   */
  public static boolean supports(SlidingWindow g) {
    return g.inD == 1 && g.kD == 1 && g.outD == 1 && g.sW <= 2 && L <= 64;
  }

  /** The kernel for geometry {@code g} (which it {@link #supports}). */
  public static DepthwiseConv of(SlidingWindow g) {
    if (!supports(g)) {
      throw new IllegalArgumentException("unsupported depthwise geometry");
    }
    return new DepthwiseConv(g);
  }

  /**
   * Channels {@code [c0, c1)}: {@code y[c] = act(conv(x[c], w[c]) + bias[c] + z[c])}. {@code w}
   * holds kH x kW taps per channel; {@code bias}, {@code z} and {@code act} may be null. Offsets
   * are of channel 0.
   */
  public void run(
      float[] x,
      int xOff,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff,
      int c0,
      int c1,
      FloatUnaryKernel act) {
    int inSize = g.inH * g.inW;
    int outSize = g.outH * g.outW;
    int taps = g.kH * g.kW;
    int zShift = zOff - yOff;
    int c = c0;
    while (c < c1) {
      int xc = xOff + c * inSize;
      int wc = wOff + c * taps;
      int yc = yOff + c * outSize;
      if (c + 4 <= c1 && inside(x, xOff, c, z, zShift, y, yOff, 4)) {
        // Four channels at a time, two per call: independent chains of multiply-adds, not one
        // chain whose latency (not the FMA units) would set the pace on narrow rows.
        for (int oh = 0; oh < g.outH; oh++) {
          for (int q = 0; q < chunks; q++) {
            int at = yc + oh * g.outW + q * L;
            if (g.sW == 1) {
              rows1(x, xc, inSize, w, wc, taps, oh, q, bias, bOff + c, z, zShift, y, at, outSize);
              rows1(
                  x,
                  xc + 2 * inSize,
                  inSize,
                  w,
                  wc + 2 * taps,
                  taps,
                  oh,
                  q,
                  bias,
                  bOff + c + 2,
                  z,
                  zShift,
                  y,
                  at + 2 * outSize,
                  outSize);
            } else {
              rows2(x, xc, inSize, w, wc, taps, oh, q, bias, bOff + c, z, zShift, y, at, outSize);
              rows2(
                  x,
                  xc + 2 * inSize,
                  inSize,
                  w,
                  wc + 2 * taps,
                  taps,
                  oh,
                  q,
                  bias,
                  bOff + c + 2,
                  z,
                  zShift,
                  y,
                  at + 2 * outSize,
                  outSize);
            }
          }
        }
        if (act != null) {
          act.apply(y, yc, y, yc, 4 * outSize);
        }
        c += 4;
        continue;
      }
      float bv = bias == null ? 0f : bias[bOff + c];
      if (inside(x, xOff, c, z, zShift, y, yOff, 1)) {
        for (int oh = 0; oh < g.outH; oh++) {
          int yr = yc + oh * g.outW;
          for (int q = 0; q < chunks; q++) {
            // Separate loops per stride and no vector chosen by a branch: the JIT keeps vectors
            // in registers only when no value merges two vector computations.
            if (g.sW == 1) {
              row1(x, xc, w, wc, oh, q, bv, z, zShift, y, yr + q * L);
            } else {
              row2(x, xc, w, wc, oh, q, bv, z, zShift, y, yr + q * L);
            }
          }
        }
      } else {
        channelByElement(x, xc, w, wc, bv, z, zShift, y, yc);
      }
      if (act != null) {
        act.apply(y, yc, y, yc, outSize);
      }
      c++;
    }
  }

  /**
   * True if the whole vectors that channels {@code [c, c + n)} load and store lie inside their
   * arrays (masked accesses past an array's end are slow; only the first and last channels of an
   * array can come near its ends).
   */
  private boolean inside(
      float[] x, int xOff, int c, float[] z, int zShift, float[] y, int yOff, int n) {
    int inSize = g.inH * g.inW;
    int outSize = g.outH * g.outW;
    int xFirst = xOff + c * inSize + minColumn;
    int xEnd = xOff + (c + n - 1) * inSize + (g.inH - 1) * g.inW + maxColumn + 2 * L;
    int yFirst = yOff + c * outSize;
    int yEnd = yOff + (c + n - 1) * outSize + (g.outH - 1) * g.outW + chunks * L;
    return xFirst >= 0
        && xEnd <= x.length
        && yEnd <= y.length
        && (z == null || yFirst + zShift >= 0 && yEnd + zShift <= z.length);
  }

  /**
   * One channel element by element, with the same operations in the same order as the vector code
   * (padding taps multiply 0), for channels at the very ends of their arrays.
   */
  private void channelByElement(
      float[] x, int xc, float[] w, int wc, float bv, float[] z, int zShift, float[] y, int yc) {
    for (int oh = 0; oh < g.outH; oh++) {
      for (int ow = 0; ow < g.outW; ow++) {
        float acc = bv;
        for (int kh = khLo[oh]; kh < khHi[oh]; kh++) {
          int xr = xc + (oh * g.sH - g.pH + kh * g.dH) * g.inW;
          for (int kw = 0; kw < g.kW; kw++) {
            int iw = ow * g.sW - g.pW + kw * g.dW;
            float v = iw >= 0 && iw < g.inW ? x[xr + iw] : 0f;
            acc = Math.fma(v, w[wc + kh * g.kW + kw], acc);
          }
        }
        int at = yc + oh * g.outW + ow;
        y[at] = z == null ? acc : acc + z[at + zShift];
      }
    }
  }

  /** One chunk of one output row of two consecutive channels, stride 1 (see {@link #rows2}). */
  private void rows1(
      float[] x,
      int xc,
      int inSize,
      float[] w,
      int wc,
      int taps,
      int oh,
      int q,
      float[] bias,
      int b,
      float[] z,
      int zShift,
      float[] y,
      int at,
      int outSize) {
    FloatVector a0 = FloatVector.broadcast(S, bias == null ? 0f : bias[b]);
    FloatVector a1 = FloatVector.broadcast(S, bias == null ? 0f : bias[b + 1]);
    for (int kh = khLo[oh]; kh < khHi[oh]; kh++) {
      int xr = xc + (oh * g.sH - g.pH + kh * g.dH) * g.inW;
      int t = wc + kh * g.kW;
      for (int kw = 0; kw < g.kW; kw++) {
        int i = q * g.kW + kw;
        VectorMask<Float> m = first[i];
        int from = xr + column[i];
        a0 = FloatVector.fromArray(S, x, from, m).fma(FloatVector.broadcast(S, w[t + kw]), a0);
        a1 =
            FloatVector.fromArray(S, x, from + inSize, m)
                .fma(FloatVector.broadcast(S, w[t + taps + kw]), a1);
      }
    }
    VectorMask<Float> lanes = out[q];
    store(a0, z, zShift, y, at, lanes);
    store(a1, z, zShift, y, at + outSize, lanes);
  }

  /**
   * One chunk of one output row of two consecutive channels, stride 2. (Two, not four: a method
   * with more vector temporaries exhausts the first-tier compiler, and a method stuck at that tier
   * runs the Vector API's slow, allocating fallback.)
   */
  private void rows2(
      float[] x,
      int xc,
      int inSize,
      float[] w,
      int wc,
      int taps,
      int oh,
      int q,
      float[] bias,
      int b,
      float[] z,
      int zShift,
      float[] y,
      int at,
      int outSize) {
    FloatVector a0 = FloatVector.broadcast(S, bias == null ? 0f : bias[b]);
    FloatVector a1 = FloatVector.broadcast(S, bias == null ? 0f : bias[b + 1]);
    for (int kh = khLo[oh]; kh < khHi[oh]; kh++) {
      int xr = xc + (oh * g.sH - g.pH + kh * g.dH) * g.inW;
      int t = wc + kh * g.kW;
      for (int kw = 0; kw < g.kW; kw++) {
        int i = q * g.kW + kw;
        VectorMask<Float> m0 = first[i];
        VectorMask<Float> m1 = second[i];
        int from = xr + column[i];
        a0 =
            EVEN.selectFrom(
                    FloatVector.fromArray(S, x, from, m0),
                    FloatVector.fromArray(S, x, from + L, m1))
                .fma(FloatVector.broadcast(S, w[t + kw]), a0);
        a1 =
            EVEN.selectFrom(
                    FloatVector.fromArray(S, x, from + inSize, m0),
                    FloatVector.fromArray(S, x, from + inSize + L, m1))
                .fma(FloatVector.broadcast(S, w[t + taps + kw]), a1);
      }
    }
    VectorMask<Float> lanes = out[q];
    store(a0, z, zShift, y, at, lanes);
    store(a1, z, zShift, y, at + outSize, lanes);
  }

  /** One chunk of one output row, stride 1: y[at...] = bias + z + taps. */
  private void row1(
      float[] x,
      int xc,
      float[] w,
      int wc,
      int oh,
      int q,
      float bv,
      float[] z,
      int zShift,
      float[] y,
      int at) {
    FloatVector acc = FloatVector.broadcast(S, bv);
    for (int kh = khLo[oh]; kh < khHi[oh]; kh++) {
      {
        int xr = xc + (oh * g.sH - g.pH + kh * g.dH) * g.inW;
        int t = wc + kh * g.kW;
        for (int kw = 0; kw < g.kW; kw++) {
          int i = q * g.kW + kw;
          acc =
              FloatVector.fromArray(S, x, xr + column[i], first[i])
                  .fma(FloatVector.broadcast(S, w[t + kw]), acc);
        }
      }
    }
    store(acc, z, zShift, y, at, out[q]);
  }

  /** One chunk of one output row, stride 2 (each input pair deinterleaved). */
  private void row2(
      float[] x,
      int xc,
      float[] w,
      int wc,
      int oh,
      int q,
      float bv,
      float[] z,
      int zShift,
      float[] y,
      int at) {
    FloatVector acc = FloatVector.broadcast(S, bv);
    for (int kh = khLo[oh]; kh < khHi[oh]; kh++) {
      {
        int xr = xc + (oh * g.sH - g.pH + kh * g.dH) * g.inW;
        int t = wc + kh * g.kW;
        for (int kw = 0; kw < g.kW; kw++) {
          int i = q * g.kW + kw;
          int from = xr + column[i];
          acc =
              EVEN.selectFrom(
                      FloatVector.fromArray(S, x, from, first[i]),
                      FloatVector.fromArray(S, x, from + L, second[i]))
                  .fma(FloatVector.broadcast(S, w[t + kw]), acc);
        }
      }
    }
    store(acc, z, zShift, y, at, out[q]);
  }

  private static void store(
      FloatVector acc, float[] z, int zShift, float[] y, int at, VectorMask<Float> lanes) {
    if (z == null) {
      acc.intoArray(y, at, lanes);
    } else {
      acc.add(FloatVector.fromArray(S, z, at + zShift, lanes)).intoArray(y, at, lanes);
    }
  }
}
