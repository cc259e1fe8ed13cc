package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class LanesTest {
  /** The tree order Lanes documents, written out in scalar code. */
  private static float treeSum(float[] v) {
    float[] t = v.clone();
    for (int h = t.length / 2; h >= 1; h /= 2) {
      float[] next = new float[t.length];
      for (int i = 0; i < t.length; i++) {
        next[i] = t[i] + t[(i + h) % t.length];
      }
      t = next;
    }
    return t[0];
  }

  @Test
  void sumsInTheDocumentedTreeOrder() {
    var species = FloatVector.SPECIES_PREFERRED;
    SplittableRandom rnd = new SplittableRandom(3);
    float[] v = new float[species.length()];
    for (int trial = 0; trial < 20_000; trial++) {
      for (int i = 0; i < v.length; i++) {
        // Wide magnitudes so that a different order would change the bits.
        v[i] = (float) (rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-3, 8)));
      }
      float expected = treeSum(v);
      float got = Lanes.sum(FloatVector.fromArray(species, v, 0));
      assertEquals(
          Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got), "trial " + trial);
    }
  }
}
