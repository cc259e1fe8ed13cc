package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (one input channel per group, one output channel per group), 1-D or 2-D,
 * float32. A GEMM would multiply a 1-row matrix per channel; instead each kernel tap adds {@code w
 * * (shifted input row)} to the output row, vectorized along the row when the stride is 1. Output
 * rows must hold their initial values (bias, residual); an optional epilogue (a fused activation)
 * is applied to each output row as soon as it is complete.
 */
public final class DepthwiseConv {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private DepthwiseConv() {}

  /** True if this kernel handles the geometry (2-D or 1-D windows, any stride and dilation). */
  public static boolean supports(SlidingWindow g) {
    return g.inD == 1 && g.kD == 1 && g.outD == 1;
  }

  /**
   * Channels {@code [c0, c1)}: {@code y[c] += conv(x[c], w[c])}, then {@code y[c] = epilogue(y[c])}
   * row by row if {@code epilogue} is not null. {@code w} holds kH x kW taps per channel.
   */
  public static void run(
      float[] x,
      int xOff,
      float[] w,
      int wOff,
      float[] y,
      int yOff,
      int c0,
      int c1,
      SlidingWindow g,
      FloatUnaryKernel epilogue) {
    int inSize = g.inH * g.inW;
    int outSize = g.outH * g.outW;
    int taps = g.kH * g.kW;
    for (int c = c0; c < c1; c++) {
      int xc = xOff + c * inSize;
      int yc = yOff + c * outSize;
      int wc = wOff + c * taps;
      for (int oh = 0; oh < g.outH; oh++) {
        int yr = yc + oh * g.outW;
        for (int kh = 0; kh < g.kH; kh++) {
          int ih = oh * g.sH - g.pH + kh * g.dH;
          if (ih < 0 || ih >= g.inH) {
            continue;
          }
          int xr = xc + ih * g.inW;
          for (int kw = 0; kw < g.kW; kw++) {
            float wv = w[wc + kh * g.kW + kw];
            int iw0 = kw * g.dW - g.pW; // input column of output column 0
            // Output columns whose input column is inside [0, inW).
            int owLo = iw0 >= 0 ? 0 : (-iw0 + g.sW - 1) / g.sW;
            int owHi = g.inW - 1 - iw0 < 0 ? 0 : Math.min(g.outW, (g.inW - 1 - iw0) / g.sW + 1);
            if (g.sW == 1) {
              int ow = owLo;
              FloatVector vw = FloatVector.broadcast(S, wv);
              for (; ow + L <= owHi; ow += L) {
                FloatVector.fromArray(S, x, xr + ow + iw0)
                    .fma(vw, FloatVector.fromArray(S, y, yr + ow))
                    .intoArray(y, yr + ow);
              }
              for (; ow < owHi; ow++) {
                y[yr + ow] += wv * x[xr + ow + iw0];
              }
            } else {
              for (int ow = owLo; ow < owHi; ow++) {
                y[yr + ow] += wv * x[xr + ow * g.sW + iw0];
              }
            }
          }
        }
        if (epilogue != null) {
          epilogue.apply(y, yr, y, yr, g.outW);
        }
      }
    }
  }
}
