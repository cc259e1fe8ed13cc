package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link ReferenceRnn}'s products, and {@link #matVec}, which picks this or
 * the reference kernel by the {@link KernelProvider}.
 */
public final class VectorRnn {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final boolean SIMD = KernelProvider.current().simd();

  private VectorRnn() {}

  /** {@link ReferenceRnn#matVec} with SIMD kernels when the provider uses them. */
  public static void matVec(
      float[] w, int wOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    if (SIMD) {
      matVecSimd(w, wOff, rows, cols, x, xOff, y, yOff);
    } else {
      ReferenceRnn.matVec(w, wOff, rows, cols, x, xOff, y, yOff);
    }
  }

  /** y = W x for a row-major {@code rows x cols} W: one vectorized dot product per row. */
  static void matVecSimd(
      float[] w, int wOff, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
    int bound = cols - cols % L;
    for (int r = 0; r < rows; r++) {
      int row = wOff + r * cols;
      FloatVector acc = FloatVector.zero(S);
      for (int c = 0; c < bound; c += L) {
        acc = FloatVector.fromArray(S, w, row + c).fma(FloatVector.fromArray(S, x, xOff + c), acc);
      }
      float s = Lanes.sum(acc);
      for (int c = bound; c < cols; c++) {
        s += w[row + c] * x[xOff + c];
      }
      y[yOff + r] = s;
    }
  }
}
