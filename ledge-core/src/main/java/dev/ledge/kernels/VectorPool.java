package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API max pooling for the common case: 2-D, float32, no dilation, no indices output. The
 * window max is separable: first over the kernel's rows (a vector pass over whole input rows), then
 * over its columns. It keeps {@link ReferencePool}'s semantics exactly, including NaN: the first
 * element of a window wins ties and a NaN only survives if it is the window's first element,
 * because both passes update with "take v if v > best", starting from the first element, and the
 * first element of the separable order is the window's top-left as in the reference.
 */
public final class VectorPool {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorPool() {}

  /** True if {@link #maxPool2d} handles this geometry. */
  public static boolean supports(SlidingWindow g) {
    return g.inD == 1 && g.kD == 1 && g.outD == 1 && g.dH == 1 && g.dW == 1;
  }

  /** Max pooling of {@code planes} consecutive planes; see {@link ReferencePool#maxPool}. */
  public static void maxPool2d(
      float[] x, int xOff, float[] y, int yOff, int planes, SlidingWindow g) {
    int[] rh = g.ranges().h();
    int[] rw = g.ranges().w();
    float[] col = Scratch.floats(Scratch.Slot.ROW, g.inW);
    int inSize = g.inH * g.inW;
    int outSize = g.outH * g.outW;
    for (int pl = 0; pl < planes; pl++) {
      int xb = xOff + pl * inSize;
      int yb = yOff + pl * outSize;
      for (int oh = 0; oh < g.outH; oh++) {
        int lo = rh[oh];
        int hi = rh[g.outH + oh];
        int yr = yb + oh * g.outW;
        if (lo == hi) {
          java.util.Arrays.fill(y, yr, yr + g.outW, Float.NEGATIVE_INFINITY);
          continue;
        }
        int top = oh * g.sH - g.pH;
        columnMax(x, xb + (top + lo) * g.inW, hi - lo, g.inW, col);
        rowMax(col, g, rw, y, yr);
      }
    }
  }

  /** col[j] = first-wins max over {@code rows} consecutive input rows starting at {@code at}. */
  private static void columnMax(float[] x, int at, int rows, int w, float[] col) {
    int j = 0;
    for (; j <= w - L; j += L) {
      FloatVector best = FloatVector.fromArray(S, x, at + j);
      for (int r = 1; r < rows; r++) {
        FloatVector v = FloatVector.fromArray(S, x, at + r * w + j);
        best = best.max(v);
      }
      best.intoArray(col, j);
    }
    for (; j < w; j++) {
      float best = x[at + j];
      for (int r = 1; r < rows; r++) {
        best = Math.max(best, x[at + r * w + j]);
      }
      col[j] = best;
    }
  }

  /** One output row: first-wins max of {@code col} over each window's valid columns. */
  private static void rowMax(float[] col, SlidingWindow g, int[] rw, float[] y, int yr) {
    int ow = 0;
    if (g.sW == 1) {
      // Outputs whose whole window is inside the row, L at a time.
      int first = Math.max(0, g.pW);
      for (; ow < first && ow < g.outW; ow++) {
        y[yr + ow] = scalarWindow(col, ow - g.pW, rw[ow], rw[g.outW + ow]);
      }
      int lastFull = g.inW - g.kW + g.pW; // last ow with the full window inside
      for (; ow + L - 1 <= lastFull && ow + L <= g.outW; ow += L) {
        int s = ow - g.pW;
        FloatVector best = FloatVector.fromArray(S, col, s);
        for (int k = 1; k < g.kW; k++) {
          best = best.max(FloatVector.fromArray(S, col, s + k));
        }
        best.intoArray(y, yr + ow);
      }
    }
    for (; ow < g.outW; ow++) {
      y[yr + ow] = scalarWindow(col, ow * g.sW - g.pW, rw[ow], rw[g.outW + ow]);
    }
  }

  private static float scalarWindow(float[] col, int start, int lo, int hi) {
    if (lo >= hi) {
      return Float.NEGATIVE_INFINITY;
    }
    float best = col[start + lo];
    for (int k = lo + 1; k < hi; k++) {
      best = Math.max(best, col[start + k]);
    }
    return best;
  }
}
