package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution as an implicit GEMM: weights (packed once by {@link VectorGemm#packWholeA}) times the
 * im2col matrix of the input, whose rows are never built. Row {@code (c, kd, kh, kw)} of that
 * matrix is the input shifted by one kernel tap, so the GEMM reads it in place from a
 * <em>prepared</em> copy of the input (see {@link VectorGemm#gemmIndirect}).
 *
 * <p>The prepared input ({@link #at}) is zero-padded and, for strides above 1, split into stride
 * phases (every s-th row and column starting at each offset); with unit strides and no padding it
 * is the input itself. In it the inputs of one tap for consecutive output columns are consecutive
 * floats, whatever the padding, stride or dilation. Its size is about the input's, a fraction of
 * the im2col matrix's. Output positions are laid out on the prepared grid: output row {@code oh}
 * starts at {@code oh * wq}, where {@code wq = outW + (kW - 1) * dW / sW}, so a row carries a few
 * columns past {@code outW} that are computed and dropped. The GEMM writes blocks of the product
 * into a scratch buffer; {@link #run} then adds bias and residual, drops those columns and applies
 * the activation into Y while the block is in cache.
 *
 * <p>Depthwise convolutions ({@link #runDepthwise}) use the same prepared input and grid without a
 * GEMM: per channel, each tap is one multiply-add of whole vectors along the grid.
 */
public final class ImplicitGemmConv {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MR = VectorGemm.MR;
  private static final int NR = VectorGemm.NR;

  /** Floats of the product block kept in scratch between the GEMM and the epilogue (fits L2). */
  private static final int BLOCK_FLOATS = 32 * 1024;

  /** Lane indexes that pick the even lanes of two vectors (for {@code selectFrom}). */
  private static final FloatVector EVEN = evenLanes();

  private static FloatVector evenLanes() {
    float[] idx = new float[L];
    for (int i = 0; i < L; i++) {
      idx[i] = 2 * i;
    }
    return FloatVector.fromArray(S, idx, 0);
  }

  private final SlidingWindow g;
  private final int channels;
  private final int outSize;

  /** Prepared size per dimension: {@code (out - 1) + (k - 1) * dilation / stride + 1}. */
  private final int dq;

  private final int hq;
  private final int wq;

  /** Per phase (offset modulo the stride) its slot among the phases a tap reads, or -1. */
  private final int[] slotD;

  private final int[] slotH;
  private final int[] slotW;

  /** Floats of one prepared channel (all its phases). */
  private final int channelSize;

  /** Floats read from the prepared input, from its start, by a GEMM over the whole grid. */
  private final int readSize;

  /** Output positions on the prepared grid (see the class comment). */
  private final int grid;

  /** True if the input is its own prepared form (unit strides, no padding). */
  private final boolean inPlace;

  /** Per im2col row: offset of its tap in the prepared input. */
  private final int[] tapOffset;

  private float[] p;
  private int pOff;

  /**
   * A convolution with window {@code g} over {@code channels} input channels (one group); the input
   * is given with {@link #at}.
   */
  public ImplicitGemmConv(SlidingWindow g, int channels) {
    this.g = g;
    this.channels = channels;
    this.outSize = g.outSize();
    dq = prepared(g.outD, g.kD, g.dD, g.sD);
    hq = prepared(g.outH, g.kH, g.dH, g.sH);
    wq = prepared(g.outW, g.kW, g.dW, g.sW);
    slotD = slots(g.kD, g.dD, g.sD);
    slotH = slots(g.kH, g.dH, g.sH);
    slotW = slots(g.kW, g.dW, g.sW);
    int phasesH = count(slotH);
    int phasesW = count(slotW);
    int planeSize = dq * hq * wq;
    channelSize = count(slotD) * phasesH * phasesW * planeSize;
    inPlace =
        g.sD == 1
            && g.sH == 1
            && g.sW == 1
            && g.pD == 0
            && g.pH == 0
            && g.pW == 0
            && dq == g.inD
            && hq == g.inH
            && wq == g.inW;
    grid = outSize == 0 ? 0 : ((g.outD - 1) * hq + g.outH) * wq;
    tapOffset = new int[channels * g.kD * g.kH * g.kW];
    int i = 0;
    int maxTap = 0;
    for (int c = 0; c < channels; c++) {
      for (int kd = 0; kd < g.kD; kd++) {
        int td = kd * g.dD;
        for (int kh = 0; kh < g.kH; kh++) {
          int th = kh * g.dH;
          for (int kw = 0; kw < g.kW; kw++) {
            int tw = kw * g.dW;
            int phase =
                (slotD[td % g.sD] * phasesH + slotH[th % g.sH]) * phasesW + slotW[tw % g.sW];
            int t =
                c * channelSize
                    + phase * planeSize
                    + ((td / g.sD) * hq + th / g.sH) * wq
                    + tw / g.sW;
            tapOffset[i++] = t;
            maxTap = Math.max(maxTap, t);
          }
        }
      }
    }
    // Whole tiles past the grid's end, each NR-column tile reading up to NR floats from its start.
    readSize = maxTap + grid + 2 * NR;
  }

  private static int prepared(int out, int k, int dilation, int stride) {
    return out == 0 ? 0 : out - 1 + (k - 1) * dilation / stride + 1;
  }

  private static int[] slots(int k, int dilation, int stride) {
    int[] slot = new int[stride];
    java.util.Arrays.fill(slot, -1);
    for (int t = 0; t < k; t++) {
      slot[t * dilation % stride] = 0;
    }
    int used = 0;
    for (int ph = 0; ph < stride; ph++) {
      if (slot[ph] == 0) {
        slot[ph] = used++;
      }
    }
    return slot;
  }

  private static int count(int[] slots) {
    int n = 0;
    for (int s : slots) {
      n += s >= 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * The prepared input of the last {@link #at} (from {@link #preparedOffset}). For a 1x1 kernel it
   * is the im2col matrix: channels by output positions, row-major.
   */
  public float[] prepared() {
    return p;
  }

  /** Offset of the prepared input in {@link #prepared}. */
  public int preparedOffset() {
    return pOff;
  }

  /** Output positions on the prepared grid, the range {@link #run} takes. */
  public int grid() {
    return grid;
  }

  /**
   * Prepares the input of one group and batch item ({@code channels} planes from {@code xOff}) in
   * this thread's {@link Scratch.Slot#COLUMNS} buffer, where it stays until this thread's next use
   * of that slot; other threads may then {@link #run} on it.
   */
  public void at(float[] x, int xOff) {
    at(x, xOff, 1);
  }

  /**
   * {@link #at}, the copy split by channels across up to {@code threads} threads when it is large.
   */
  public void at(float[] x, int xOff, int threads) {
    if (inPlace && xOff + readSize <= x.length) {
      p = x;
      pOff = xOff;
      return;
    }
    // Whole vectors are written per row (rows in order), so up to L - 1 floats past the end.
    int size = Math.max(channels * channelSize, readSize) + L;
    float[] out = Scratch.floats(Scratch.Slot.COLUMNS, size);
    int parts =
        threads <= 1 || channels * channelSize < (1 << 16) ? 1 : Math.min(threads, channels);
    if (parts == 1) {
      prepareChannels(x, xOff, out, 0, channels, size);
    } else {
      int per = (channels + parts - 1) / parts;
      Parallel.forEach(
          parts,
          parts,
          part -> {
            int c0 = part * per;
            int c1 = Math.min(channels, c0 + per);
            // A part's rows end where the next part's begin: its whole vectors stop there.
            prepareChannels(x, xOff, out, c0, c1, c1 == channels ? size : c1 * channelSize);
          });
    }
    java.util.Arrays.fill(out, channels * channelSize, size, 0f);
    p = out;
    pOff = 0;
  }

  /**
   * Prepares channels {@code [c0, c1)} into {@code out}, writing nothing at or past {@code end}.
   */
  private void prepareChannels(float[] x, int xOff, float[] out, int c0, int c1, int end) {
    int inSize = g.inSize();
    int o = c0 * channelSize;
    for (int c = c0; c < c1; c++) {
      int xc = xOff + c * inSize;
      for (int pd = 0; pd < g.sD; pd++) {
        if (slotD[pd] < 0) {
          continue;
        }
        for (int ph = 0; ph < g.sH; ph++) {
          if (slotH[ph] < 0) {
            continue;
          }
          for (int pw = 0; pw < g.sW; pw++) {
            if (slotW[pw] < 0) {
              continue;
            }
            // Prepared columns [lo, hi) of this phase read inside the input row.
            int first = pw - g.pW;
            int lo = first >= 0 ? 0 : (-first + g.sW - 1) / g.sW;
            int hi = first > g.inW - 1 ? 0 : Math.min(wq, (g.inW - 1 - first) / g.sW + 1);
            for (int rd = 0; rd < dq; rd++) {
              int id = rd * g.sD + pd - g.pD;
              for (int rh = 0; rh < hq; rh++) {
                int ih = rh * g.sH + ph - g.pH;
                boolean empty = id < 0 || id >= g.inD || ih < 0 || ih >= g.inH || hi <= lo;
                if (o + wq + L > end) {
                  // The last row before another part's: element by element.
                  for (int q = 0; q < wq; q++) {
                    int w = first + q * g.sW;
                    out[o + q] =
                        empty || w < 0 || w >= g.inW ? 0f : x[xc + (id * g.inH + ih) * g.inW + w];
                  }
                } else if (empty) {
                  zeroRow(out, o);
                } else {
                  prepareRow(x, xc + (id * g.inH + ih) * g.inW + first, lo, hi, out, o);
                }
                o += wq;
              }
            }
          }
        }
      }
    }
  }

  private void zeroRow(float[] out, int o) {
    FloatVector zero = FloatVector.zero(S);
    for (int q = 0; q < wq; q += L) {
      zero.intoArray(out, o + q);
    }
  }

  /**
   * out[o + q] = x[at + q * sW] for q in [lo, hi) (where that is inside the input row), 0 for the
   * other q in [0, wq). Whole vectors are stored, so up to L - 1 floats past the row change (rows
   * are prepared in order, and the buffer has that much slack); loads may read past the input row
   * but not past x.
   */
  private void prepareRow(float[] x, int at, int lo, int hi, float[] out, int o) {
    FloatVector zero = FloatVector.zero(S);
    // The left padding (lo is at most the padding, below L in practice) and the right padding
    // are zeroed with whole vectors, the data overwriting the excess.
    for (int q = 0; q < lo; q += L) {
      zero.intoArray(out, o + q);
    }
    int from = at + g.sW * lo;
    int to = o + lo;
    int n = hi - lo;
    int q = 0;
    if (g.sW == 1) {
      for (; q < n && from + q + L <= x.length; q += L) {
        FloatVector.fromArray(S, x, from + q).intoArray(out, to + q);
      }
    } else if (g.sW == 2) {
      // Deinterleave: each output vector takes the even lanes of two input vectors.
      for (; q < n && from + 2 * (q + L) <= x.length; q += L) {
        int a = from + 2 * q;
        EVEN.selectFrom(FloatVector.fromArray(S, x, a), FloatVector.fromArray(S, x, a + L))
            .intoArray(out, to + q);
      }
    }
    for (; q < n; q++) {
      out[to + q] = x[from + q * g.sW];
    }
    for (int r = hi; r < wq; r += L) {
      zero.intoArray(out, o + r);
    }
  }

  /**
   * Output channels {@code [i0, i1)} (of the group's m; i0 a multiple of {@link VectorGemm#MR}) at
   * grid positions {@code [j0, j1)}: {@code y = act(w * x + bias + z)}. {@code bias}, {@code z} and
   * {@code act} may be null; {@code y} and {@code z} hold the group's output planes from {@code
   * yOff} and {@code zOff}. Uses this thread's {@link Scratch.Slot#SECOND} buffer.
   */
  public void run(
      float[] packedA,
      int m,
      int i0,
      int i1,
      int j0,
      int j1,
      float[] bias,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff,
      FloatUnaryKernel act) {
    i1 = Math.min(i1, m);
    j1 = Math.min(j1, grid);
    if (i1 <= i0 || j1 <= j0) {
      return;
    }
    int rows = (i1 - i0 + MR - 1) / MR * MR;
    int block = Math.max(2 * NR, BLOCK_FLOATS / rows / NR * NR);
    float[] c = Scratch.floats(Scratch.Slot.SECOND, rows * block);
    int k = tapOffset.length;
    for (int jc = j0; jc < j1; jc += block) {
      int je = Math.min(j1, jc + block);
      if (k == 0) {
        java.util.Arrays.fill(c, 0, rows * block, 0f);
      } else {
        VectorGemm.gemmIndirect(packedA, m, k, i0, i1, p, pOff, tapOffset, jc, je, c, block);
      }
      finish(c, block, i0, i1, jc, je, bias, bOff, z, zOff, y, yOff, act);
    }
  }

  /**
   * The depthwise convolution of channels {@code [c0, c1)} (one input and one output channel per
   * group; these panels were made for all channels): {@code y = act(conv(x, w) + bias + z)} with
   * {@code w} holding each channel's kernel taps from {@code wOff}. Each tap adds the weight times
   * the shifted prepared input along the whole grid, a few vectors at a time in registers. Uses
   * this thread's {@link Scratch.Slot#SECOND} buffer.
   */
  public void runDepthwise(
      float[] w,
      int wOff,
      int c0,
      int c1,
      float[] bias,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff,
      FloatUnaryKernel act) {
    if (c1 <= c0 || grid == 0) {
      return;
    }
    int taps = g.kD * g.kH * g.kW;
    // Four vectors per step: readSize covers reads up to 2 * NR past the grid.
    int step = 4 * L;
    int ldc = (grid + step - 1) / step * step;
    int rows = Math.max(1, BLOCK_FLOATS / ldc);
    float[] c = Scratch.floats(Scratch.Slot.SECOND, rows * ldc);
    for (int cb = c0; cb < c1; cb += rows) {
      int ce = Math.min(c1, cb + rows);
      for (int ch = cb; ch < ce; ch++) {
        int row = (ch - cb) * ldc;
        int wc = wOff + ch * taps;
        int tc = ch * taps;
        for (int j = 0; j < grid; j += step) {
          FloatVector a0 = FloatVector.zero(S);
          FloatVector a1 = FloatVector.zero(S);
          FloatVector a2 = FloatVector.zero(S);
          FloatVector a3 = FloatVector.zero(S);
          for (int t = 0; t < taps; t++) {
            FloatVector wv = FloatVector.broadcast(S, w[wc + t]);
            int at = pOff + tapOffset[tc + t] + j;
            a0 = FloatVector.fromArray(S, p, at).fma(wv, a0);
            a1 = FloatVector.fromArray(S, p, at + L).fma(wv, a1);
            a2 = FloatVector.fromArray(S, p, at + 2 * L).fma(wv, a2);
            a3 = FloatVector.fromArray(S, p, at + 3 * L).fma(wv, a3);
          }
          a0.intoArray(c, row + j);
          a1.intoArray(c, row + j + L);
          a2.intoArray(c, row + j + 2 * L);
          a3.intoArray(c, row + j + 3 * L);
        }
      }
      finish(c, ldc, cb, ce, 0, grid, bias, bOff, z, zOff, y, yOff, act);
    }
  }

  /** Y = act(C + bias + z) for the valid positions of grid block [jc, je). */
  private void finish(
      float[] c,
      int ldc,
      int i0,
      int i1,
      int jc,
      int je,
      float[] bias,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff,
      FloatUnaryKernel act) {
    int rowsPerSlice = hq * wq;
    int yFirst = -1;
    int yEnd = 0;
    int j = jc;
    while (j < je) {
      int od = j / rowsPerSlice;
      int rem = j - od * rowsPerSlice;
      int oh = rem / wq;
      int ow = rem - oh * wq;
      if (oh >= g.outH) {
        j = (od + 1) * rowsPerSlice;
        continue;
      }
      if (ow >= g.outW) {
        j += wq - ow;
        continue;
      }
      int len = Math.min(g.outW - ow, je - j);
      int yi = (od * g.outH + oh) * g.outW + ow;
      if (yFirst < 0) {
        yFirst = yi;
      }
      yEnd = yi + len;
      for (int r = i0; r < i1; r++) {
        float bv = bias == null ? 0f : bias[bOff + r];
        int cs = (r - i0) * ldc + j - jc;
        int yd = yOff + r * outSize + yi;
        if (z == null) {
          addBias(c, cs, bv, y, yd, len);
        } else {
          addBiasResidual(c, cs, bv, z, zOff + r * outSize + yi, y, yd, len);
        }
      }
      j += len;
    }
    if (act != null && yFirst >= 0) {
      for (int r = i0; r < i1; r++) {
        int at = yOff + r * outSize + yFirst;
        act.apply(y, at, y, at, yEnd - yFirst);
      }
    }
  }

  private static void addBias(float[] c, int cs, float bv, float[] y, int yd, int len) {
    FloatVector vb = FloatVector.broadcast(S, bv);
    int t = 0;
    for (; t <= len - L; t += L) {
      FloatVector.fromArray(S, c, cs + t).add(vb).intoArray(y, yd + t);
    }
    if (t < len) {
      VectorMask<Float> mask = S.indexInRange(t, len);
      FloatVector.fromArray(S, c, cs + t, mask).add(vb).intoArray(y, yd + t, mask);
    }
  }

  private static void addBiasResidual(
      float[] c, int cs, float bv, float[] z, int zs, float[] y, int yd, int len) {
    FloatVector vb = FloatVector.broadcast(S, bv);
    int t = 0;
    for (; t <= len - L; t += L) {
      FloatVector.fromArray(S, c, cs + t)
          .add(vb)
          .add(FloatVector.fromArray(S, z, zs + t))
          .intoArray(y, yd + t);
    }
    if (t < len) {
      VectorMask<Float> mask = S.indexInRange(t, len);
      FloatVector.fromArray(S, c, cs + t, mask)
          .add(vb)
          .add(FloatVector.fromArray(S, z, zs + t, mask))
          .intoArray(y, yd + t, mask);
    }
  }
}
