package dev.ledge.kernels;

/**
 * Reference pooling loops over one to three spatial dimensions ({@link SlidingWindow}): max (with
 * optional argmax indices), average and Lp. Each method pools {@code planes} consecutive planes
 * (one per batch item and channel) of {@code g.inSize()} input elements into planes of {@code
 * g.outSize()} output elements.
 *
 * <p>Padding never contributes a value: max and Lp look only at positions inside the input, and
 * average divides by the number of positions inside the input, or (with {@code countIncludePad})
 * inside the explicitly padded input {@code [-padBegin, in + padEnd)}, so that a window reaching
 * past the end padding (ceil mode) is not over-counted. Sums are accumulated in double.
 *
 * <p>A window with no position inside the input yields -infinity (max, with index -1), NaN (average
 * without count_include_pad) or 0 (Lp); operators reject pads that cause this.
 */
public final class ReferencePool {
  private ReferencePool() {}

  /**
   * Float max pooling (NaN in a window gives NaN, as numpy's max). If {@code indices} is not null,
   * also writes for each output the flat index of the (first) maximum in the whole input tensor,
   * counting planes row-major and positions within a plane row-major, or column-major if {@code
   * columnMajor} (MaxPool storage_order=1). {@code firstPlane} is the index of the first pooled
   * plane in the whole tensor.
   */
  public static void maxPool(
      float[] x,
      int xOff,
      float[] y,
      int yOff,
      long[] indices,
      int iOff,
      int firstPlane,
      int planes,
      SlidingWindow g,
      boolean columnMajor) {
    SlidingWindow.Ranges r = g.ranges();
    int inSize = g.inSize();
    int o = 0;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      long planeBase = (long) (firstPlane + pl) * inSize;
      for (int od = 0; od < g.outD; od++) {
        int ds = od * g.sD - g.pD;
        for (int oh = 0; oh < g.outH; oh++) {
          int hs = oh * g.sH - g.pH;
          for (int ow = 0; ow < g.outW; ow++, o++) {
            int ws = ow * g.sW - g.pW;
            float best = Float.NEGATIVE_INFINITY;
            int bestAt = -1;
            for (int kd = r.d()[od]; kd < r.d()[g.outD + od]; kd++) {
              int id = ds + kd * g.dD;
              for (int kh = r.h()[oh]; kh < r.h()[g.outH + oh]; kh++) {
                int row = (id * g.inH + hs + kh * g.dH) * g.inW + ws;
                for (int kw = r.w()[ow]; kw < r.w()[g.outW + ow]; kw++) {
                  int at = row + kw * g.dW;
                  float v = x[xb + at];
                  if (bestAt < 0 || v > best || (v != v && best == best)) {
                    bestAt = at;
                  }
                  best = Math.max(best, v); // NaN propagates, as numpy's max in the ONNX reference
                }
              }
            }
            y[yOff + o] = best;
            if (indices != null) {
              indices[iOff + o] = bestAt < 0 ? -1 : planeBase + position(g, bestAt, columnMajor);
            }
          }
        }
      }
    }
  }

  /** Double max pooling; see the float version. */
  public static void maxPool(
      double[] x,
      int xOff,
      double[] y,
      int yOff,
      long[] indices,
      int iOff,
      int firstPlane,
      int planes,
      SlidingWindow g,
      boolean columnMajor) {
    SlidingWindow.Ranges r = g.ranges();
    int inSize = g.inSize();
    int o = 0;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      long planeBase = (long) (firstPlane + pl) * inSize;
      for (int od = 0; od < g.outD; od++) {
        int ds = od * g.sD - g.pD;
        for (int oh = 0; oh < g.outH; oh++) {
          int hs = oh * g.sH - g.pH;
          for (int ow = 0; ow < g.outW; ow++, o++) {
            int ws = ow * g.sW - g.pW;
            double best = Double.NEGATIVE_INFINITY;
            int bestAt = -1;
            for (int kd = r.d()[od]; kd < r.d()[g.outD + od]; kd++) {
              int id = ds + kd * g.dD;
              for (int kh = r.h()[oh]; kh < r.h()[g.outH + oh]; kh++) {
                int row = (id * g.inH + hs + kh * g.dH) * g.inW + ws;
                for (int kw = r.w()[ow]; kw < r.w()[g.outW + ow]; kw++) {
                  int at = row + kw * g.dW;
                  double v = x[xb + at];
                  if (bestAt < 0 || v > best || (v != v && best == best)) {
                    bestAt = at;
                  }
                  best = Math.max(best, v);
                }
              }
            }
            y[yOff + o] = best;
            if (indices != null) {
              indices[iOff + o] = bestAt < 0 ? -1 : planeBase + position(g, bestAt, columnMajor);
            }
          }
        }
      }
    }
  }

  /** The index of row-major plane position {@code at}, in column-major order if asked. */
  private static int position(SlidingWindow g, int at, boolean columnMajor) {
    if (!columnMajor) {
      return at;
    }
    int w = at % g.inW;
    int h = (at / g.inW) % g.inH;
    int d = at / (g.inW * g.inH);
    return d + h * g.inD + w * g.inD * g.inH;
  }

  /** Float average pooling; see the class comment for the divisor. */
  public static void avgPool(
      float[] x,
      int xOff,
      float[] y,
      int yOff,
      int planes,
      SlidingWindow g,
      boolean countIncludePad) {
    SlidingWindow.Ranges r = g.ranges();
    int[][] padded = countIncludePad ? g.paddedCounts() : null;
    int inSize = g.inSize();
    int o = 0;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      for (int od = 0; od < g.outD; od++) {
        int ds = od * g.sD - g.pD;
        for (int oh = 0; oh < g.outH; oh++) {
          int hs = oh * g.sH - g.pH;
          for (int ow = 0; ow < g.outW; ow++, o++) {
            int ws = ow * g.sW - g.pW;
            double sum = 0;
            int kwLo = r.w()[ow];
            int kwHi = r.w()[g.outW + ow];
            for (int kd = r.d()[od]; kd < r.d()[g.outD + od]; kd++) {
              int id = ds + kd * g.dD;
              for (int kh = r.h()[oh]; kh < r.h()[g.outH + oh]; kh++) {
                int row = xb + (id * g.inH + hs + kh * g.dH) * g.inW + ws;
                for (int kw = kwLo; kw < kwHi; kw++) {
                  sum += x[row + kw * g.dW];
                }
              }
            }
            long count =
                padded != null
                    ? (long) padded[0][od] * padded[1][oh] * padded[2][ow]
                    : (long) (r.d()[g.outD + od] - r.d()[od])
                        * (r.h()[g.outH + oh] - r.h()[oh])
                        * (kwHi - kwLo);
            y[yOff + o] = (float) (sum / count);
          }
        }
      }
    }
  }

  /** Double average pooling; see the float version. */
  public static void avgPool(
      double[] x,
      int xOff,
      double[] y,
      int yOff,
      int planes,
      SlidingWindow g,
      boolean countIncludePad) {
    SlidingWindow.Ranges r = g.ranges();
    int[][] padded = countIncludePad ? g.paddedCounts() : null;
    int inSize = g.inSize();
    int o = 0;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      for (int od = 0; od < g.outD; od++) {
        int ds = od * g.sD - g.pD;
        for (int oh = 0; oh < g.outH; oh++) {
          int hs = oh * g.sH - g.pH;
          for (int ow = 0; ow < g.outW; ow++, o++) {
            int ws = ow * g.sW - g.pW;
            double sum = 0;
            int kwLo = r.w()[ow];
            int kwHi = r.w()[g.outW + ow];
            for (int kd = r.d()[od]; kd < r.d()[g.outD + od]; kd++) {
              int id = ds + kd * g.dD;
              for (int kh = r.h()[oh]; kh < r.h()[g.outH + oh]; kh++) {
                int row = xb + (id * g.inH + hs + kh * g.dH) * g.inW + ws;
                for (int kw = kwLo; kw < kwHi; kw++) {
                  sum += x[row + kw * g.dW];
                }
              }
            }
            long count =
                padded != null
                    ? (long) padded[0][od] * padded[1][oh] * padded[2][ow]
                    : (long) (r.d()[g.outD + od] - r.d()[od])
                        * (r.h()[g.outH + oh] - r.h()[oh])
                        * (kwHi - kwLo);
            y[yOff + o] = sum / count;
          }
        }
      }
    }
  }

  /** Float Lp pooling: {@code (sum |x|^p)^(1/p)} over the window's input positions. */
  public static void lpPool(
      float[] x, int xOff, float[] y, int yOff, int planes, SlidingWindow g, double p) {
    SlidingWindow.Ranges r = g.ranges();
    int inSize = g.inSize();
    int o = 0;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      for (int od = 0; od < g.outD; od++) {
        int ds = od * g.sD - g.pD;
        for (int oh = 0; oh < g.outH; oh++) {
          int hs = oh * g.sH - g.pH;
          for (int ow = 0; ow < g.outW; ow++, o++) {
            int ws = ow * g.sW - g.pW;
            double sum = 0;
            for (int kd = r.d()[od]; kd < r.d()[g.outD + od]; kd++) {
              int id = ds + kd * g.dD;
              for (int kh = r.h()[oh]; kh < r.h()[g.outH + oh]; kh++) {
                int row = xb + (id * g.inH + hs + kh * g.dH) * g.inW + ws;
                for (int kw = r.w()[ow]; kw < r.w()[g.outW + ow]; kw++) {
                  sum += powAbs(x[row + kw * g.dW], p);
                }
              }
            }
            y[yOff + o] = (float) root(sum, p);
          }
        }
      }
    }
  }

  /** Double Lp pooling; see the float version. */
  public static void lpPool(
      double[] x, int xOff, double[] y, int yOff, int planes, SlidingWindow g, double p) {
    SlidingWindow.Ranges r = g.ranges();
    int inSize = g.inSize();
    int o = 0;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      for (int od = 0; od < g.outD; od++) {
        int ds = od * g.sD - g.pD;
        for (int oh = 0; oh < g.outH; oh++) {
          int hs = oh * g.sH - g.pH;
          for (int ow = 0; ow < g.outW; ow++, o++) {
            int ws = ow * g.sW - g.pW;
            double sum = 0;
            for (int kd = r.d()[od]; kd < r.d()[g.outD + od]; kd++) {
              int id = ds + kd * g.dD;
              for (int kh = r.h()[oh]; kh < r.h()[g.outH + oh]; kh++) {
                int row = xb + (id * g.inH + hs + kh * g.dH) * g.inW + ws;
                for (int kw = r.w()[ow]; kw < r.w()[g.outW + ow]; kw++) {
                  sum += powAbs(x[row + kw * g.dW], p);
                }
              }
            }
            y[yOff + o] = root(sum, p);
          }
        }
      }
    }
  }

  private static double powAbs(double v, double p) {
    double a = Math.abs(v);
    return p == 2 ? a * a : p == 1 ? a : Math.pow(a, p);
  }

  private static double root(double sum, double p) {
    return p == 2 ? Math.sqrt(sum) : p == 1 ? sum : Math.pow(sum, 1 / p);
  }
}
