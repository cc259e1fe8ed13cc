package dev.ledge.train.ops;

import dev.ledge.kernels.KernelProvider;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 stride-1 2-D convolution and its gradients without im2col. With stride 1, output position
 * (oh, ow) meets input position (oh + kh * dh, ow + kw * dw) through tap (kh, kw): once the planes
 * are zero-padded and laid out with one row pitch, every tap is a fixed offset into the input plane
 * and whole planes can be walked as flat arrays, full vectors at a time (the padding columns carry
 * zeros through the sums).
 *
 * <ul>
 *   <li>{@link #forward}: {@code y[m, q] = sum over (c, t) of W[m, c, t] * xp[c, q + offset(t)]}
 *       with xp the zero-padded input; 4 output channels x 4 vectors of positions per register
 *       tile, rows cropped to y's width after.
 *   <li>{@link #inputGrad}: the same correlation of dY padded by the kernel reach with the flipped
 *       and transposed kernel.
 *   <li>{@link #weightGrad}: {@code dW[m, (c, t)] = sum over images and positions q of dY[m, q] *
 *       x[c, q + offset(t)]}, dY's rows padded to x's pitch: a GEMM whose second operand is read
 *       straight from x at those offsets; 4 x 4 register tiles of dW, summed over a cache-sized
 *       chunk of images at a time.
 * </ul>
 *
 * Every sum runs in a fixed order (vector lanes, then the lanes one by one), so results depend only
 * on the shapes, never on timing. The tiles are small methods without masks: C1 must be able to
 * compile them (it gives up on large Vector API methods, which then stay interpreted until C2 steps
 * in). Vector API only ({@link #SIMD}); callers fall back to im2col + GEMM otherwise and for shapes
 * these kernels do not take (see the {@code fits} methods). A NaN or infinity in x may reach more
 * of dW than in the other kernels (the padding carries 0 * x).
 */
final class ShiftedConv {
  static final boolean SIMD = KernelProvider.current().simd();

  /** Floats of input and gradient a chunk of images may span (about half of a typical L2). */
  private static final int CHUNK_FLOATS = 1 << 16;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[3][0]);

  private ShiftedConv() {}

  /** A stride-1 convolution over one spatial dim or two (depth 1). */
  private static boolean stride1Plane(Geometry g) {
    return g.in[0] == 1 && g.out[0] == 1 && g.k[0] == 1 && g.s[1] == 1 && g.s[2] == 1;
  }

  /** Whether {@link #weightGrad} takes this convolution (per group: mg rows, cg input channels). */
  static boolean fitsWeightGrad(Geometry g, int mg, int cg) {
    return SIMD && stride1Plane(g) && mg >= 4 && cg * g.kernelSize() >= 4;
  }

  /**
   * Whether {@link #inputGrad} takes this convolution: also at least 4 input rows and channels per
   * group, and pads no larger than the kernel extent minus one (so dY needs padding, not cropping).
   */
  static boolean fitsInputGrad(Geometry g, int cg) {
    if (!SIMD || !stride1Plane(g) || cg < 4 || g.in[1] < 4) {
      return false;
    }
    for (int j = 1; j < 3; j++) {
      int reach = (g.k[j] - 1) * g.d[j];
      if (g.pb[j] > reach || g.pe[j] > reach) {
        return false;
      }
    }
    return true;
  }

  private static final ThreadLocal<int[][]> INTS = ThreadLocal.withInitial(() -> new int[2][0]);

  /** A per-thread int array of at least {@code size} (offset tables), reused between calls. */
  private static int[] ints(int slot, int size) {
    int[][] holder = INTS.get();
    if (holder[slot].length < size) {
      holder[slot] = new int[size];
    }
    return holder[slot];
  }

  private static float[] scratch(int slot, int size) {
    float[][] holder = SCRATCH.get();
    if (holder[slot].length < size) {
      holder[slot] = new float[size];
    }
    return holder[slot];
  }

  // ---- weight gradient ----

  /**
   * {@code dW += dL/dW} for {@code n} images: dy {@code [n, group * mg, outH, outW]}, x {@code [n,
   * group * cg, inH, inW]}, dW {@code [group * mg, cg, kH, kW]}.
   */
  static void weightGrad(
      Geometry g,
      int n,
      int cg,
      int mg,
      int group,
      float[] dy,
      int dyo,
      float[] x,
      int xo,
      float[] dw,
      int dwo) {
    int l = Simd.L;
    int c = cg * group;
    int m = mg * group;
    int kh = g.k[1];
    int kw = g.k[2];
    int k = cg * kh * kw;
    int outH = g.out[1];
    int outW = g.out[2];
    int hp = g.in[1] + g.pb[1] + g.pe[1];
    int wp = g.in[2] + g.pb[2] + g.pe[2];
    int planeX = hp * wp;
    int imageX = c * planeX;
    int planeY = roundUp(outH * wp, l); // dY plane: rows at x's pitch, then zeros to a vector
    int imageY = m * planeY;
    int chunk = Math.max(1, Math.min(n, CHUNK_FLOATS / (imageX + imageY)));
    // Reads run up to (kW - 1) * dW + L past the last x plane.
    int xSize = chunk * imageX + (kw - 1) * g.d[2] + l;
    float[] xp = scratch(0, xSize);
    float[] dyp = scratch(1, chunk * imageY);
    java.util.Arrays.fill(xp, 0, xSize, 0f); // the borders stay 0: only interiors are copied
    java.util.Arrays.fill(dyp, 0, chunk * imageY, 0f);
    // Column j = (channel within the group, tap) reads x at this offset from the group's first
    // plane of an image.
    int[] col = ints(0, k);
    for (int cc = 0, j = 0; cc < cg; cc++) {
      for (int a = 0; a < kh; a++) {
        for (int b = 0; b < kw; b++, j++) {
          col[j] = cc * planeX + a * g.d[1] * wp + b * g.d[2];
        }
      }
    }
    int outSize = outH * outW;
    for (int n0 = 0; n0 < n; n0 += chunk) {
      int nc = Math.min(chunk, n - n0);
      copyRows(
          x,
          xo + n0 * c * g.inSize(),
          nc * c,
          g.in[1],
          g.in[2],
          xp,
          g.pb[1] * wp + g.pb[2],
          planeX,
          wp);
      copyRows(dy, dyo + n0 * m * outSize, nc * m, outH, outW, dyp, 0, planeY, wp);
      for (int grp = 0; grp < group; grp++) {
        int xg = grp * cg * planeX;
        int yg = grp * mg * planeY;
        int wg = dwo + grp * mg * k;
        for (int i0 = 0; i0 < mg; i0 += 4) {
          // A last block of 1 or 2 rows takes the 2-row tile, of 3 the 4-row one; either may
          // overlap the block before (those rows are skipped when adding).
          boolean narrow = mg - i0 <= 2;
          int i = Math.min(i0, mg - (narrow ? 2 : 4));
          for (int j0 = 0; ; j0 += 4) {
            int j = Math.min(j0, k - 4);
            int cj = col[j];
            int at = wg + i * k + j;
            if (narrow) {
              Simd.weightTile2(
                  dyp,
                  yg + i * planeY,
                  planeY,
                  imageY,
                  xp,
                  xg,
                  cj,
                  col[j + 1],
                  col[j + 2],
                  col[j + 3],
                  imageX,
                  nc,
                  dw,
                  at,
                  k,
                  i0 - i,
                  j0 - j);
            } else {
              Simd.weightTile(
                  dyp,
                  yg + i * planeY,
                  planeY,
                  imageY,
                  xp,
                  xg,
                  cj,
                  col[j + 1],
                  col[j + 2],
                  col[j + 3],
                  imageX,
                  nc,
                  dw,
                  at,
                  k,
                  i0 - i,
                  j0 - j);
            }
            if (j0 + 4 >= k) {
              break;
            }
          }
        }
      }
    }
  }

  private static int roundUp(int v, int to) {
    return (v + to - 1) / to * to;
  }

  /**
   * Copies {@code planes} planes of {@code h x w} rows into planes of {@code plane} floats with row
   * pitch {@code pitch}, starting {@code at} into each.
   */
  private static void copyRows(
      float[] src, int so, int planes, int h, int w, float[] dst, int at, int plane, int pitch) {
    for (int p = 0; p < planes; p++) {
      int s = so + p * h * w;
      int d = p * plane + at;
      for (int r = 0; r < h; r++) {
        System.arraycopy(src, s + r * w, dst, d + r * pitch, w);
      }
    }
  }

  // ---- forward and input gradient: correlations ----

  /** Whether {@link #forward} takes this convolution (per group: mg output channels). */
  static boolean fitsForward(Geometry g, int mg) {
    return SIMD && stride1Plane(g) && mg >= 4;
  }

  /**
   * {@code y = conv(x, W) + B} for {@code n} images: x {@code [n, group * cg, inH, inW]}, W {@code
   * [group * mg, cg, kH, kW]}, B {@code [group * mg]} or null, y {@code [n, group * mg, outH,
   * outW]} (overwritten).
   */
  static void forward(
      Geometry g,
      int n,
      int cg,
      int mg,
      int group,
      float[] x,
      int xo,
      float[] w,
      int wo,
      float[] bias,
      int bo,
      float[] y,
      int yo) {
    int kh = g.k[1];
    int kw = g.k[2];
    int hq = g.in[1] + g.pb[1] + g.pe[1];
    int wq = g.in[2] + g.pb[2] + g.pe[2];
    int[] tapOff = ints(0, kh * kw);
    for (int a = 0, t = 0; a < kh; a++) {
      for (int b = 0; b < kw; b++, t++) {
        tapOff[t] = a * g.d[1] * wq + b * g.d[2];
      }
    }
    int blocks = (mg + 3) / 4;
    int steps = cg * kh * kw;
    float[] packed = scratch(1, group * blocks * steps * 4);
    for (int grp = 0; grp < group; grp++) {
      for (int blk = 0; blk < blocks; blk++) {
        int m0 = grp * mg + Math.min(blk * 4, mg - 4);
        int at = (grp * blocks + blk) * steps * 4;
        for (int s = 0; s < steps; s++) {
          for (int q = 0; q < 4; q++) {
            packed[at + s * 4 + q] = w[wo + (m0 + q) * steps + s];
          }
        }
      }
    }
    correlate(
        n, group, mg, cg, kh * kw, x, xo, g.in[1], g.in[2], g.pb[1], g.pb[2], hq, wq, tapOff,
        packed, y, yo, g.out[1], g.out[2], bias, bo);
  }

  /**
   * {@code dx = dL/dx} (overwritten) for {@code n} images: dy {@code [n, group * mg, outH, outW]},
   * W {@code [group * mg, cg, kH, kW]}, dx {@code [n, group * cg, inH, inW]}.
   */
  static void inputGrad(
      Geometry g,
      int n,
      int cg,
      int mg,
      int group,
      float[] dy,
      int dyo,
      float[] w,
      int wo,
      float[] dx,
      int dxo) {
    int kh = g.k[1];
    int kw = g.k[2];
    int taps = kh * kw;
    // dY padded so that dx[ih, iw] = sum over taps of W[tap] * dyp[ih + rowShift, iw + colShift].
    int top = (kh - 1) * g.d[1] - g.pb[1];
    int left = (kw - 1) * g.d[2] - g.pb[2];
    int hq = g.in[1] + (kh - 1) * g.d[1];
    int wq = g.in[2] + (kw - 1) * g.d[2];
    int[] tapOff = ints(0, taps);
    for (int a = 0, t = 0; a < kh; a++) {
      for (int b = 0; b < kw; b++, t++) {
        tapOff[t] = (kh - 1 - a) * g.d[1] * wq + (kw - 1 - b) * g.d[2];
      }
    }
    int blocks = (cg + 3) / 4;
    int steps = mg * taps;
    float[] packed = scratch(1, group * blocks * steps * 4);
    for (int grp = 0; grp < group; grp++) {
      for (int blk = 0; blk < blocks; blk++) {
        int c0 = Math.min(blk * 4, cg - 4);
        int at = (grp * blocks + blk) * steps * 4;
        for (int mm = 0, s = 0; mm < mg; mm++) {
          for (int t = 0; t < taps; t++, s++) {
            for (int q = 0; q < 4; q++) {
              packed[at + s * 4 + q] = w[wo + ((grp * mg + mm) * cg + c0 + q) * taps + t];
            }
          }
        }
      }
    }
    correlate(
        n, group, cg, mg, taps, dy, dyo, g.out[1], g.out[2], top, left, hq, wq, tapOff, packed, dx,
        dxo, g.in[1], g.in[2], null, 0);
  }

  /**
   * The correlation behind {@link #forward} and {@link #inputGrad}, per image: the source planes
   * ({@code group * ip} of {@code srcH x srcW}) are copied into zero planes of {@code hq x wq} at
   * (top, left); then {@code out[o, q] = sum over (i, t) of packed weight * src[i, q + tapOff[t]]}
   * (plus {@code bias[biasOff + o]} if bias is not null) for the {@code op} outputs of each group,
   * at pitch wq; rows are cropped to {@code outW} into dst {@code [n, group * op, outH, outW]}.
   * Packed weights: for each group and block of 4 outputs (the last block overlapping the one
   * before), for each step (input channel within the group, tap), the 4 outputs' weights.
   */
  private static void correlate(
      int n,
      int group,
      int op,
      int ip,
      int taps,
      float[] src,
      int srcOff,
      int srcH,
      int srcW,
      int top,
      int left,
      int hq,
      int wq,
      int[] tapOff,
      float[] packed,
      float[] dst,
      int dstOff,
      int outH,
      int outW,
      float[] bias,
      int biasOff) {
    int l = Simd.L;
    int in = group * ip;
    int out = group * op;
    int planeQ = hq * wq;
    int span = roundUp(outH * wq, l); // output plane at the source pitch, in whole vectors
    int wide = span - span % (4 * l); // the part that 4-vector tiles cover
    int maxTap = 0;
    for (int t = 0; t < taps; t++) {
      maxTap = Math.max(maxTap, tapOff[t]);
    }
    int steps = ip * taps;
    int[] off = ints(1, steps);
    for (int i = 0, s = 0; i < ip; i++) {
      for (int t = 0; t < taps; t++, s++) {
        off[s] = i * planeQ + tapOff[t];
      }
    }
    int srcSize = in * planeQ + maxTap + span; // reads run past the last plane
    float[] sp = scratch(0, srcSize);
    java.util.Arrays.fill(sp, 0, srcSize, 0f); // the borders stay 0: only interiors are copied
    float[] o = scratch(2, out * span);
    int blocks = (op + 3) / 4;
    for (int b = 0; b < n; b++) {
      copyRows(src, srcOff + b * in * srcH * srcW, in, srcH, srcW, sp, top * wq + left, planeQ, wq);
      for (int grp = 0; grp < group; grp++) {
        for (int blk = 0; blk < blocks; blk++) {
          int o0 = grp * op + Math.min(blk * 4, op - 4);
          int p0 = (grp * blocks + blk) * steps * 4;
          // A last block of 1 or 2 outputs computes only the block's last two.
          boolean narrow = op - blk * 4 <= 2;
          for (int q = 0; q < wide; q += 4 * l) {
            int d0 = grp * ip * planeQ + q;
            if (narrow) {
              Simd.correlationTile2(
                  sp,
                  d0,
                  off,
                  steps,
                  packed,
                  p0 + 2,
                  bias,
                  biasOff + o0 + 2,
                  o,
                  (o0 + 2) * span + q,
                  span);
            } else {
              Simd.correlationTile(
                  sp, d0, off, steps, packed, p0, bias, biasOff + o0, o, o0 * span + q, span);
            }
          }
          // The last 1 to 3 vectors, one at a time, for the block's 4 outputs (a narrow block
          // rewrites the two before it with the same values).
          for (int q = wide; q < span; q += l) {
            Simd.correlationTile1(
                sp,
                grp * ip * planeQ + q,
                off,
                steps,
                packed,
                p0,
                bias,
                biasOff + o0,
                o,
                o0 * span + q,
                span);
          }
        }
      }
      for (int c = 0; c < out; c++) {
        int d = dstOff + (b * out + c) * outH * outW;
        for (int r = 0; r < outH; r++) {
          System.arraycopy(o, c * span + r * wq, dst, d + r * outW, outW);
        }
      }
    }
  }

  /**
   * The register-tiled loops (Vector API; loaded only when the module is present). Each tile's loop
   * is a small method of its own: the JIT keeps vectors in registers only in code it inlines
   * completely.
   */
  private static final class Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** Room for the lanes of a tile's 16 accumulators. */
    private static final ThreadLocal<float[]> LANES =
        ThreadLocal.withInitial(() -> new float[16 * L]);

    /**
     * Adds a 4 x 4 tile of dW: {@code dW[i, j] += sum over images b and q < plane of dy[y0 + i *
     * plane + b * imageY + q] * x[x0 + c_j + b * imageX + q]}, only where {@code i >= iFrom} and
     * {@code j >= jFrom} (earlier rows and columns belong to the previous, overlapping tile).
     */
    static void weightTile(
        float[] dy,
        int y0,
        int plane,
        int imageY,
        float[] x,
        int x0,
        int c0,
        int c1,
        int c2,
        int c3,
        int imageX,
        int images,
        float[] dw,
        int dw0,
        int ldw,
        int iFrom,
        int jFrom) {
      FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S);
      FloatVector a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
      FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
      FloatVector a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
      FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S);
      FloatVector a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
      FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
      FloatVector a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
      for (int b = 0; b < images; b++) {
        int d = y0 + b * imageY;
        int xb = x0 + b * imageX;
        for (int q = 0; q < plane; q += L) {
          FloatVector d0 = FloatVector.fromArray(S, dy, d + q);
          FloatVector d1 = FloatVector.fromArray(S, dy, d + plane + q);
          FloatVector d2 = FloatVector.fromArray(S, dy, d + 2 * plane + q);
          FloatVector d3 = FloatVector.fromArray(S, dy, d + 3 * plane + q);
          FloatVector x0v = FloatVector.fromArray(S, x, xb + c0 + q);
          FloatVector x1v = FloatVector.fromArray(S, x, xb + c1 + q);
          FloatVector x2v = FloatVector.fromArray(S, x, xb + c2 + q);
          FloatVector x3v = FloatVector.fromArray(S, x, xb + c3 + q);
          a00 = d0.fma(x0v, a00);
          a01 = d0.fma(x1v, a01);
          a02 = d0.fma(x2v, a02);
          a03 = d0.fma(x3v, a03);
          a10 = d1.fma(x0v, a10);
          a11 = d1.fma(x1v, a11);
          a12 = d1.fma(x2v, a12);
          a13 = d1.fma(x3v, a13);
          a20 = d2.fma(x0v, a20);
          a21 = d2.fma(x1v, a21);
          a22 = d2.fma(x2v, a22);
          a23 = d2.fma(x3v, a23);
          a30 = d3.fma(x0v, a30);
          a31 = d3.fma(x1v, a31);
          a32 = d3.fma(x2v, a32);
          a33 = d3.fma(x3v, a33);
        }
      }
      // Lanes.sum's shuffles cost about 20 ns each here; lanes summed from memory in a fixed
      // order are as deterministic and much cheaper.
      float[] t = LANES.get();
      a00.intoArray(t, 0);
      a01.intoArray(t, L);
      a02.intoArray(t, 2 * L);
      a03.intoArray(t, 3 * L);
      a10.intoArray(t, 4 * L);
      a11.intoArray(t, 5 * L);
      a12.intoArray(t, 6 * L);
      a13.intoArray(t, 7 * L);
      a20.intoArray(t, 8 * L);
      a21.intoArray(t, 9 * L);
      a22.intoArray(t, 10 * L);
      a23.intoArray(t, 11 * L);
      a30.intoArray(t, 12 * L);
      a31.intoArray(t, 13 * L);
      a32.intoArray(t, 14 * L);
      a33.intoArray(t, 15 * L);
      addSums(t, 4, dw, dw0, ldw, iFrom, jFrom);
    }

    /** {@link #weightTile} for 2 rows (i < 2) x 4 columns. */
    static void weightTile2(
        float[] dy,
        int y0,
        int plane,
        int imageY,
        float[] x,
        int x0,
        int c0,
        int c1,
        int c2,
        int c3,
        int imageX,
        int images,
        float[] dw,
        int dw0,
        int ldw,
        int iFrom,
        int jFrom) {
      FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S);
      FloatVector a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
      FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
      FloatVector a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
      for (int b = 0; b < images; b++) {
        int d = y0 + b * imageY;
        int xb = x0 + b * imageX;
        for (int q = 0; q < plane; q += L) {
          FloatVector d0 = FloatVector.fromArray(S, dy, d + q);
          FloatVector d1 = FloatVector.fromArray(S, dy, d + plane + q);
          FloatVector x0v = FloatVector.fromArray(S, x, xb + c0 + q);
          FloatVector x1v = FloatVector.fromArray(S, x, xb + c1 + q);
          FloatVector x2v = FloatVector.fromArray(S, x, xb + c2 + q);
          FloatVector x3v = FloatVector.fromArray(S, x, xb + c3 + q);
          a00 = d0.fma(x0v, a00);
          a01 = d0.fma(x1v, a01);
          a02 = d0.fma(x2v, a02);
          a03 = d0.fma(x3v, a03);
          a10 = d1.fma(x0v, a10);
          a11 = d1.fma(x1v, a11);
          a12 = d1.fma(x2v, a12);
          a13 = d1.fma(x3v, a13);
        }
      }
      float[] t = LANES.get();
      a00.intoArray(t, 0);
      a01.intoArray(t, L);
      a02.intoArray(t, 2 * L);
      a03.intoArray(t, 3 * L);
      a10.intoArray(t, 4 * L);
      a11.intoArray(t, 5 * L);
      a12.intoArray(t, 6 * L);
      a13.intoArray(t, 7 * L);
      addSums(t, 2, dw, dw0, ldw, iFrom, jFrom);
    }

    /**
     * {@code dW[dw0 + i * ldw + j] += } the lanes of accumulator (i, j), stored row by row in t,
     * summed in lane order, for {@code i < rows}, {@code i >= iFrom}, {@code j >= jFrom}.
     */
    private static void addSums(
        float[] t, int rows, float[] dw, int dw0, int ldw, int iFrom, int jFrom) {
      for (int i = Math.max(0, iFrom); i < rows; i++) {
        for (int j = Math.max(0, jFrom); j < 4; j++) {
          int at = (i * 4 + j) * L;
          float sum = 0;
          for (int lane = 0; lane < L; lane++) {
            sum += t[at + lane];
          }
          dw[dw0 + i * ldw + j] += sum;
        }
      }
    }

    /** {@link #correlationTile} for one vector of positions. */
    static void correlationTile1(
        float[] dyp,
        int d0,
        int[] off,
        int steps,
        float[] packed,
        int p0,
        float[] bias,
        int bi,
        float[] out,
        int o0,
        int plane) {
      FloatVector a0 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi]);
      FloatVector a1 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 1]);
      FloatVector a2 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 2]);
      FloatVector a3 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 3]);
      for (int s = 0, p = p0; s < steps; s++, p += 4) {
        FloatVector r = FloatVector.fromArray(S, dyp, d0 + off[s]);
        a0 = r.fma(FloatVector.broadcast(S, packed[p]), a0);
        a1 = r.fma(FloatVector.broadcast(S, packed[p + 1]), a1);
        a2 = r.fma(FloatVector.broadcast(S, packed[p + 2]), a2);
        a3 = r.fma(FloatVector.broadcast(S, packed[p + 3]), a3);
      }
      a0.intoArray(out, o0);
      a1.intoArray(out, o0 + plane);
      a2.intoArray(out, o0 + 2 * plane);
      a3.intoArray(out, o0 + 3 * plane);
    }

    /** {@link #correlationTile} for two outputs (weights at packed[p0 + 4s], [p0 + 4s + 1]). */
    static void correlationTile2(
        float[] dyp,
        int d0,
        int[] off,
        int steps,
        float[] packed,
        int p0,
        float[] bias,
        int bi,
        float[] out,
        int o0,
        int plane) {
      FloatVector b0 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi]);
      FloatVector b1 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 1]);
      FloatVector a00 = b0, a01 = b0, a02 = b0, a03 = b0;
      FloatVector a10 = b1, a11 = b1, a12 = b1, a13 = b1;
      for (int s = 0, p = p0; s < steps; s++, p += 4) {
        int at = d0 + off[s];
        FloatVector r0 = FloatVector.fromArray(S, dyp, at);
        FloatVector r1 = FloatVector.fromArray(S, dyp, at + L);
        FloatVector r2 = FloatVector.fromArray(S, dyp, at + 2 * L);
        FloatVector r3 = FloatVector.fromArray(S, dyp, at + 3 * L);
        FloatVector w0 = FloatVector.broadcast(S, packed[p]);
        FloatVector w1 = FloatVector.broadcast(S, packed[p + 1]);
        a00 = r0.fma(w0, a00);
        a01 = r1.fma(w0, a01);
        a02 = r2.fma(w0, a02);
        a03 = r3.fma(w0, a03);
        a10 = r0.fma(w1, a10);
        a11 = r1.fma(w1, a11);
        a12 = r2.fma(w1, a12);
        a13 = r3.fma(w1, a13);
      }
      a00.intoArray(out, o0);
      a01.intoArray(out, o0 + L);
      a02.intoArray(out, o0 + 2 * L);
      a03.intoArray(out, o0 + 3 * L);
      int o = o0 + plane;
      a10.intoArray(out, o);
      a11.intoArray(out, o + L);
      a12.intoArray(out, o + 2 * L);
      a13.intoArray(out, o + 3 * L);
    }

    /**
     * Four channels x four vectors of positions (overwritten): {@code out[o0 + i * plane + v * L +
     * lane] = bias[bi + i] (0 if bias is null) + sum over steps s of packed[p0 + 4s + i] * dyp[d0 +
     * off[s] + v * L + lane]}.
     */
    static void correlationTile(
        float[] dyp,
        int d0,
        int[] off,
        int steps,
        float[] packed,
        int p0,
        float[] bias,
        int bi,
        float[] out,
        int o0,
        int plane) {
      FloatVector b0 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi]);
      FloatVector b1 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 1]);
      FloatVector b2 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 2]);
      FloatVector b3 = FloatVector.broadcast(S, bias == null ? 0f : bias[bi + 3]);
      FloatVector a00 = b0, a01 = b0, a02 = b0, a03 = b0;
      FloatVector a10 = b1, a11 = b1, a12 = b1, a13 = b1;
      FloatVector a20 = b2, a21 = b2, a22 = b2, a23 = b2;
      FloatVector a30 = b3, a31 = b3, a32 = b3, a33 = b3;
      for (int s = 0, p = p0; s < steps; s++, p += 4) {
        int at = d0 + off[s];
        FloatVector r0 = FloatVector.fromArray(S, dyp, at);
        FloatVector r1 = FloatVector.fromArray(S, dyp, at + L);
        FloatVector r2 = FloatVector.fromArray(S, dyp, at + 2 * L);
        FloatVector r3 = FloatVector.fromArray(S, dyp, at + 3 * L);
        FloatVector w0 = FloatVector.broadcast(S, packed[p]);
        FloatVector w1 = FloatVector.broadcast(S, packed[p + 1]);
        FloatVector w2 = FloatVector.broadcast(S, packed[p + 2]);
        FloatVector w3 = FloatVector.broadcast(S, packed[p + 3]);
        a00 = r0.fma(w0, a00);
        a01 = r1.fma(w0, a01);
        a02 = r2.fma(w0, a02);
        a03 = r3.fma(w0, a03);
        a10 = r0.fma(w1, a10);
        a11 = r1.fma(w1, a11);
        a12 = r2.fma(w1, a12);
        a13 = r3.fma(w1, a13);
        a20 = r0.fma(w2, a20);
        a21 = r1.fma(w2, a21);
        a22 = r2.fma(w2, a22);
        a23 = r3.fma(w2, a23);
        a30 = r0.fma(w3, a30);
        a31 = r1.fma(w3, a31);
        a32 = r2.fma(w3, a32);
        a33 = r3.fma(w3, a33);
      }
      a00.intoArray(out, o0);
      a01.intoArray(out, o0 + L);
      a02.intoArray(out, o0 + 2 * L);
      a03.intoArray(out, o0 + 3 * L);
      int o = o0 + plane;
      a10.intoArray(out, o);
      a11.intoArray(out, o + L);
      a12.intoArray(out, o + 2 * L);
      a13.intoArray(out, o + 3 * L);
      o += plane;
      a20.intoArray(out, o);
      a21.intoArray(out, o + L);
      a22.intoArray(out, o + 2 * L);
      a23.intoArray(out, o + 3 * L);
      o += plane;
      a30.intoArray(out, o);
      a31.intoArray(out, o + L);
      a32.intoArray(out, o + 2 * L);
      a33.intoArray(out, o + 3 * L);
    }
  }
}
