package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** VectorPool.maxPool2d against ReferencePool.maxPool, NaN and ties included. */
class VectorPoolTest {
  @Test
  void matchesTheReferenceBitForBit() {
    Random r = new Random(9);
    for (int trial = 0; trial < 400; trial++) {
      int k = 1 + r.nextInt(4);
      int s = 1 + r.nextInt(3);
      int p0 = r.nextInt(k);
      int p1 = r.nextInt(k);
      int h = 1 + r.nextInt(40);
      int w = 1 + r.nextInt(70);
      int kh = 1 + r.nextInt(3);
      int outH = Math.max(1, (h + p0 + p1 - kh) / s + 1);
      int outW = Math.max(1, (w + p0 + p1 - k) / s + 1);
      if (h + p0 + p1 < kh || w + p0 + p1 < k) {
        continue;
      }
      boolean oneD = r.nextInt(5) == 0;
      SlidingWindow g =
          oneD
              ? SlidingWindow.of(
                  new int[] {w},
                  new int[] {outW},
                  new int[] {k},
                  new int[] {s},
                  new int[] {1},
                  new int[] {p0},
                  new int[] {p1})
              : SlidingWindow.of(
                  new int[] {h, w},
                  new int[] {outH, outW},
                  new int[] {kh, k},
                  new int[] {s, s},
                  new int[] {1, 1},
                  new int[] {p0, p0},
                  new int[] {p1, p1});
      int planes = 1 + r.nextInt(3);
      float[] x = new float[planes * g.inSize() + 3];
      for (int i = 0; i < x.length; i++) {
        int kind = r.nextInt(20);
        x[i] = kind == 0 ? Float.NaN : kind == 1 ? -0f : kind == 2 ? 0f : r.nextInt(7) - 3;
      }
      float[] want = new float[planes * g.outSize() + 2];
      float[] got = new float[want.length];
      ReferencePool.maxPool(x, 3, want, 2, null, 0, 0, planes, g, false);
      VectorPool.maxPool2d(x, 3, got, 2, planes, g);
      for (int i = 0; i < want.length; i++) {
        assertEquals(
            Float.floatToRawIntBits(want[i]),
            Float.floatToRawIntBits(got[i]),
            "trial " + trial + " element " + i + ": " + want[i] + " vs " + got[i]);
      }
    }
  }
}
