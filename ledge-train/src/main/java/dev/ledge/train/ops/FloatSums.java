package dev.ledge.train.ops;

import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of float runs in a fixed order (vector lanes, then {@link Lanes#sum}, then the tail), so the
 * same data gives the same bits whether the loop runs interpreted or compiled.
 */
final class FloatSums {
  private static final boolean SIMD = KernelProvider.current().simd();

  private FloatSums() {}

  /** The sum of {@code a[off, off + n)}. */
  static float sum(float[] a, int off, int n) {
    if (SIMD) {
      return Simd.sum(a, off, n);
    }
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += a[off + i];
    }
    return s;
  }

  /** Vector API version (loaded only when the module is present). */
  private static final class Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static float sum(float[] a, int off, int n) {
      int i = 0;
      FloatVector acc = FloatVector.zero(S);
      for (int vl = S.loopBound(n); i < vl; i += S.length()) {
        acc = acc.add(FloatVector.fromArray(S, a, off + i));
      }
      float s = Lanes.sum(acc);
      for (; i < n; i++) {
        s += a[off + i];
      }
      return s;
    }
  }
}
