package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer normalization (and RMS normalization) of float32 rows with the Vector API: each of {@code
 * rows} contiguous rows of {@code cols} elements is standardized by its mean and population
 * variance (or scaled by its root mean square), then multiplied by a per-column scale and shifted
 * by a per-column bias.
 *
 * <p>Statistics are two-pass float lane sums added up in a fixed order ({@link Lanes#sum}), tails
 * element by element (no masked accesses), so the bits do not depend on JIT state; the reference
 * ({@code RowNormalizer}) accumulates in double, and the two agree within float rounding of the
 * sums (NormalizationOpTest).
 */
public final class VectorLayerNorm {
  private static final VectorSpecies<Float> S = FloatVectorMath.S;
  private static final int L = S.length();

  private VectorLayerNorm() {}

  /**
   * Normalizes {@code rows} rows of {@code x} into {@code y} (which may be {@code x}).
   *
   * @param center subtract the mean (layer norm); false for RMS normalization
   * @param scale {@code cols} per-column factors
   * @param bias {@code cols} per-column offsets, or null
   * @param mean receives each row's mean if not null
   * @param invStd receives each row's 1 / sqrt(variance + epsilon) if not null
   */
  public static void run(
      float[] x,
      int xo,
      float[] y,
      int yo,
      int rows,
      int cols,
      double epsilon,
      boolean center,
      float[] scale,
      float[] bias,
      double[] mean,
      double[] invStd) {
    int bound = S.loopBound(cols);
    for (int r = 0; r < rows; r++) {
      int xb = xo + r * cols;
      int yb = yo + r * cols;
      float mu = 0;
      if (center) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < bound; j += L) {
          acc = acc.add(FloatVector.fromArray(S, x, xb + j));
        }
        float sum = Lanes.sum(acc);
        for (int j = bound; j < cols; j++) {
          sum += x[xb + j];
        }
        mu = sum / cols;
      }
      FloatVector m = FloatVector.broadcast(S, mu);
      FloatVector sq = FloatVector.zero(S);
      for (int j = 0; j < bound; j += L) {
        FloatVector d = FloatVector.fromArray(S, x, xb + j).sub(m);
        sq = d.fma(d, sq);
      }
      float ss = Lanes.sum(sq);
      for (int j = bound; j < cols; j++) {
        float d = x[xb + j] - mu;
        ss = Math.fma(d, d, ss);
      }
      double inv = 1 / Math.sqrt((double) ss / cols + epsilon);
      FloatVector k = FloatVector.broadcast(S, (float) inv);
      for (int j = 0; j < bound; j += L) {
        FloatVector v = FloatVector.fromArray(S, x, xb + j).sub(m).mul(k);
        FloatVector sc = FloatVector.fromArray(S, scale, j);
        v = bias == null ? v.mul(sc) : v.fma(sc, FloatVector.fromArray(S, bias, j));
        v.intoArray(y, yb + j);
      }
      for (int j = bound; j < cols; j++) {
        float v = (x[xb + j] - mu) * (float) inv;
        y[yb + j] = bias == null ? v * scale[j] : Math.fma(v, scale[j], bias[j]);
      }
      if (mean != null) {
        mean[r] = mu;
      }
      if (invStd != null) {
        invStd[r] = inv;
      }
    }
  }
}
