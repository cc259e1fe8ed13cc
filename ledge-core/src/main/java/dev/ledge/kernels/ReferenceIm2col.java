package dev.ledge.kernels;

import java.util.Arrays;

/**
 * Reference im2col and col2im: the data rearrangements that turn a convolution into a matrix
 * product, for one to three spatial dimensions ({@link SlidingWindow}).
 *
 * <p>{@code im2col} reads {@code channels} input planes (each {@code g.inSize()} elements, one
 * after the other) and writes a matrix with one row per (channel, kernel position) and one column
 * per output position, rows in the order channel, kd, kh, kw. Output positions are taken a few
 * "output rows" at a time (an output row is one (od, oh) pair, {@code g.outW} positions), so that a
 * large convolution can be computed in column tiles: rows {@code [rowStart, rowStart + rowCount)}
 * give a matrix of {@code rowCount * g.outW} columns. Padding reads as zero.
 *
 * <p>{@code col2im} is the adjoint: it adds each matrix entry into the input position it was read
 * from (entries that fall in the padding are dropped). ConvTranspose uses it with the roles of
 * input and output exchanged.
 *
 * <p>The innermost loop walks one output row with a constant input stride; its valid range is
 * computed up front, so there is no per-element bounds test.
 */
public final class ReferenceIm2col {
  private ReferenceIm2col() {}

  /** Number of matrix rows for {@code channels} planes: channels times the kernel size. */
  public static int rows(int channels, SlidingWindow g) {
    return channels * g.kernelSize();
  }

  /** First output column along W whose input position for kernel index {@code kw} is >= 0. */
  private static int lowW(SlidingWindow g, int kw) {
    return Math.clamp(Math.ceilDiv(g.pW - kw * g.dW, g.sW), 0, g.outW);
  }

  /** One past the last output column along W whose input position is < inW. */
  private static int highW(SlidingWindow g, int kw, int lo) {
    return Math.clamp(Math.ceilDiv(g.inW + g.pW - kw * g.dW, g.sW), lo, g.outW);
  }

  /** Float im2col; see the class comment. */
  public static void im2col(
      float[] x,
      int xOff,
      int channels,
      SlidingWindow g,
      int rowStart,
      int rowCount,
      float[] col,
      int colOff) {
    int cols = rowCount * g.outW;
    int inSize = g.inSize();
    int r = 0;
    for (int c = 0; c < channels; c++) {
      int xc = xOff + c * inSize;
      for (int kd = 0; kd < g.kD; kd++) {
        for (int kh = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++, r++) {
            int lo = lowW(g, kw);
            int hi = highW(g, kw, lo);
            int dst = colOff + r * cols;
            int od = rowStart / g.outH;
            int oh = rowStart % g.outH;
            for (int t = 0; t < rowCount; t++, dst += g.outW) {
              int id = od * g.sD - g.pD + kd * g.dD;
              int ih = oh * g.sH - g.pH + kh * g.dH;
              if (++oh == g.outH) {
                oh = 0;
                od++;
              }
              if (id < 0 || id >= g.inD || ih < 0 || ih >= g.inH) {
                Arrays.fill(col, dst, dst + g.outW, 0f);
                continue;
              }
              int base = xc + (id * g.inH + ih) * g.inW + kw * g.dW - g.pW;
              Arrays.fill(col, dst, dst + lo, 0f);
              if (g.sW == 1) {
                System.arraycopy(x, base + lo, col, dst + lo, hi - lo);
              } else {
                for (int ow = lo; ow < hi; ow++) {
                  col[dst + ow] = x[base + ow * g.sW];
                }
              }
              Arrays.fill(col, dst + hi, dst + g.outW, 0f);
            }
          }
        }
      }
    }
  }

  /** Double im2col; same layout as the float version. */
  public static void im2col(
      double[] x,
      int xOff,
      int channels,
      SlidingWindow g,
      int rowStart,
      int rowCount,
      double[] col,
      int colOff) {
    int cols = rowCount * g.outW;
    int inSize = g.inSize();
    int r = 0;
    for (int c = 0; c < channels; c++) {
      int xc = xOff + c * inSize;
      for (int kd = 0; kd < g.kD; kd++) {
        for (int kh = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++, r++) {
            int lo = lowW(g, kw);
            int hi = highW(g, kw, lo);
            int dst = colOff + r * cols;
            int od = rowStart / g.outH;
            int oh = rowStart % g.outH;
            for (int t = 0; t < rowCount; t++, dst += g.outW) {
              int id = od * g.sD - g.pD + kd * g.dD;
              int ih = oh * g.sH - g.pH + kh * g.dH;
              if (++oh == g.outH) {
                oh = 0;
                od++;
              }
              if (id < 0 || id >= g.inD || ih < 0 || ih >= g.inH) {
                Arrays.fill(col, dst, dst + g.outW, 0d);
                continue;
              }
              int base = xc + (id * g.inH + ih) * g.inW + kw * g.dW - g.pW;
              Arrays.fill(col, dst, dst + lo, 0d);
              if (g.sW == 1) {
                System.arraycopy(x, base + lo, col, dst + lo, hi - lo);
              } else {
                for (int ow = lo; ow < hi; ow++) {
                  col[dst + ow] = x[base + ow * g.sW];
                }
              }
              Arrays.fill(col, dst + hi, dst + g.outW, 0d);
            }
          }
        }
      }
    }
  }

  /**
   * Float col2im: adds the matrix (layout as produced by {@link #im2col(float[], int, int,
   * SlidingWindow, int, int, float[], int)}) into {@code channels} planes of the window's input
   * geometry at {@code yOff}. The planes are not cleared first.
   */
  public static void col2im(
      float[] col,
      int colOff,
      int channels,
      SlidingWindow g,
      int rowStart,
      int rowCount,
      float[] y,
      int yOff) {
    int cols = rowCount * g.outW;
    int inSize = g.inSize();
    int r = 0;
    for (int c = 0; c < channels; c++) {
      int yc = yOff + c * inSize;
      for (int kd = 0; kd < g.kD; kd++) {
        for (int kh = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++, r++) {
            int lo = lowW(g, kw);
            int hi = highW(g, kw, lo);
            int src = colOff + r * cols;
            int od = rowStart / g.outH;
            int oh = rowStart % g.outH;
            for (int t = 0; t < rowCount; t++, src += g.outW) {
              int id = od * g.sD - g.pD + kd * g.dD;
              int ih = oh * g.sH - g.pH + kh * g.dH;
              if (++oh == g.outH) {
                oh = 0;
                od++;
              }
              if (id < 0 || id >= g.inD || ih < 0 || ih >= g.inH) {
                continue;
              }
              int base = yc + (id * g.inH + ih) * g.inW + kw * g.dW - g.pW;
              for (int ow = lo; ow < hi; ow++) {
                y[base + ow * g.sW] += col[src + ow];
              }
            }
          }
        }
      }
    }
  }

  /** Double col2im; same layout as the float version. */
  public static void col2im(
      double[] col,
      int colOff,
      int channels,
      SlidingWindow g,
      int rowStart,
      int rowCount,
      double[] y,
      int yOff) {
    int cols = rowCount * g.outW;
    int inSize = g.inSize();
    int r = 0;
    for (int c = 0; c < channels; c++) {
      int yc = yOff + c * inSize;
      for (int kd = 0; kd < g.kD; kd++) {
        for (int kh = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++, r++) {
            int lo = lowW(g, kw);
            int hi = highW(g, kw, lo);
            int src = colOff + r * cols;
            int od = rowStart / g.outH;
            int oh = rowStart % g.outH;
            for (int t = 0; t < rowCount; t++, src += g.outW) {
              int id = od * g.sD - g.pD + kd * g.dD;
              int ih = oh * g.sH - g.pH + kh * g.dH;
              if (++oh == g.outH) {
                oh = 0;
                od++;
              }
              if (id < 0 || id >= g.inD || ih < 0 || ih >= g.inH) {
                continue;
              }
              int base = yc + (id * g.inH + ih) * g.inW + kw * g.dW - g.pW;
              for (int ow = lo; ow < hi; ow++) {
                y[base + ow * g.sW] += col[src + ow];
              }
            }
          }
        }
      }
    }
  }
}
