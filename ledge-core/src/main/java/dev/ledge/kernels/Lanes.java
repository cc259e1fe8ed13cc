package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Horizontal sums of float vectors in a fixed order.
 *
 * <p>{@code FloatVector.reduceLanes(ADD)} does not define its order of additions, and in practice
 * the interpreter's fallback (lane 0, 1, 2, ...) and the JIT's intrinsic (a tree) differ. A loop
 * that is compiled part-way through (on-stack replacement) then sums identical columns differently,
 * so the same model on the same input can give different bits from run to run. {@link #sum} always
 * adds in the same tree order: lane i with lane i + L/2, then i + L/4, and so on, with element-wise
 * vector adds, which are exact the same way in both modes.
 */
public final class Lanes {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** SHUFFLES[s] moves lane i + (L >> (s + 1)) to lane i. */
  @SuppressWarnings("unchecked")
  private static final VectorShuffle<Float>[] SHUFFLES =
      new VectorShuffle[Integer.numberOfTrailingZeros(L)];

  static {
    for (int s = 0; s < SHUFFLES.length; s++) {
      int h = L >> (s + 1);
      SHUFFLES[s] = VectorShuffle.fromOp(S, i -> (i + h) % L);
    }
  }

  private Lanes() {}

  /** The sum of the lanes of {@code v}, in a fixed tree order. */
  public static float sum(FloatVector v) {
    for (VectorShuffle<Float> shuffle : SHUFFLES) {
      v = v.add(v.rearrange(shuffle));
    }
    return v.lane(0);
  }
}
