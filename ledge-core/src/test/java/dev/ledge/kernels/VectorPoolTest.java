package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * VectorPool against ReferencePool on random 1-D and 2-D geometries: tiny, odd and multi-vector
 * widths, strides 1 to 3, asymmetric pads, ceil mode, bands of rows (wide rows). Max pooling bit
 * for bit (NaN, -0 and ties included); average pooling within float rounding, with and without
 * count_include_pad.
 */
class VectorPoolTest {
  /** A random geometry, or null if the kernel does not fit the padded input. */
  private static SlidingWindow randomWindow(Random r, int trial) {
    int k = 1 + r.nextInt(4);
    int kh = 1 + r.nextInt(4);
    int s = 1 + r.nextInt(3);
    int sh = 1 + r.nextInt(3);
    int[] pb = {r.nextInt(kh), r.nextInt(k)};
    int[] pe = {r.nextInt(kh), r.nextInt(k)};
    int h = 1 + r.nextInt(30);
    // Mostly up to a few vectors; now and then rows wide enough for several bands, or one.
    int w = trial % 50 == 0 ? 1000 + r.nextInt(4500) : 1 + r.nextInt(trial % 5 == 0 ? 300 : 70);
    if (w > 1000) {
      h = 1 + r.nextInt(4);
    }
    boolean ceil = r.nextBoolean();
    int outH = outSize(h, kh, sh, pb[0], pe[0], ceil);
    int outW = outSize(w, k, s, pb[1], pe[1], ceil);
    if (outH < 1 || outW < 1) {
      return null;
    }
    if (r.nextInt(5) == 0) {
      return SlidingWindow.of(
          new int[] {w},
          new int[] {outW},
          new int[] {k},
          new int[] {s},
          new int[] {1},
          new int[] {pb[1]},
          new int[] {pe[1]});
    }
    return SlidingWindow.of(
        new int[] {h, w},
        new int[] {outH, outW},
        new int[] {kh, k},
        new int[] {sh, s},
        new int[] {1, 1},
        pb,
        pe);
  }

  /** The ONNX output size; with ceil mode the last window never starts in the end padding. */
  private static int outSize(int in, int k, int s, int pb, int pe, boolean ceil) {
    int span = in + pb + pe - k;
    if (span < 0) {
      return 0;
    }
    int out = (ceil ? Math.ceilDiv(span, s) : span / s) + 1;
    if (ceil && (out - 1) * s >= in + pb) {
      out--;
    }
    return out;
  }

  @Test
  void maxPoolMatchesTheReferenceBitForBit() {
    Random r = new Random(9);
    for (int trial = 0; trial < 600; trial++) {
      SlidingWindow g = randomWindow(r, trial);
      if (g == null) {
        continue;
      }
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
            "trial " + trial + " " + g + " element " + i + ": " + want[i] + " vs " + got[i]);
      }
    }
  }

  @Test
  void averagePoolMatchesTheReference() {
    Random r = new Random(10);
    for (int trial = 0; trial < 600; trial++) {
      SlidingWindow g = randomWindow(r, trial);
      if (g == null) {
        continue;
      }
      boolean countIncludePad = r.nextBoolean();
      int planes = 1 + r.nextInt(3);
      float[] x = new float[planes * g.inSize() + 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextFloat() * 2 - 1;
      }
      float[] want = new float[planes * g.outSize() + 2];
      float[] got = new float[want.length];
      ReferencePool.avgPool(x, 3, want, 2, planes, g, countIncludePad);
      VectorPool.avgPool2d(x, 3, got, 2, planes, g, countIncludePad);
      for (int i = 0; i < want.length; i++) {
        // Float sums of at most 16 values in [-1, 1], divided by at least 1.
        if (!(Math.abs(want[i] - got[i]) <= 1e-6f * g.kernelSize())) {
          fail(
              "trial "
                  + trial
                  + " "
                  + g
                  + (countIncludePad ? " count_include_pad" : "")
                  + " element "
                  + i
                  + ": "
                  + want[i]
                  + " vs "
                  + got[i]);
        }
      }
    }
  }
}
