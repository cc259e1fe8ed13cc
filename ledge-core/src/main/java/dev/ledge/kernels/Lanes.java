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

  // One constant per level (static finals, not array elements, so that C2 sees constant shuffles
  // and does not load and check them on each call). SHIFT_h moves lane i + h to lane i.
  private static final VectorShuffle<Float> SHIFT_8 = shift(8);
  private static final VectorShuffle<Float> SHIFT_4 = shift(4);
  private static final VectorShuffle<Float> SHIFT_2 = shift(2);
  private static final VectorShuffle<Float> SHIFT_1 = shift(1);

  private static VectorShuffle<Float> shift(int h) {
    return VectorShuffle.fromOp(S, i -> (i + h) % L);
  }

  private Lanes() {}

  /** The sum of the lanes of {@code v}, in a fixed tree order. */
  public static float sum(FloatVector v) {
    if (L > 16) {
      throw new AssertionError("float vectors of " + L + " lanes");
    }
    if (L == 16) {
      v = v.add(v.rearrange(SHIFT_8));
    }
    if (L >= 8) {
      v = v.add(v.rearrange(SHIFT_4));
    }
    if (L >= 4) {
      v = v.add(v.rearrange(SHIFT_2));
    }
    if (L >= 2) {
      v = v.add(v.rearrange(SHIFT_1));
    }
    return v.lane(0);
  }
}
