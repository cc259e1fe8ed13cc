package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReferenceIm2colTest {
  /** A 3-D window with every per-dim value given. */
  private static SlidingWindow window(int[] in, int[] k, int[] s, int[] d, int[] pb, int[] pe) {
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      int eff = (k[i] - 1) * d[i] + 1;
      out[i] = Math.max(0, (in[i] + pb[i] + pe[i] - eff) / s[i] + 1);
    }
    return SlidingWindow.of(in, out, k, s, d, pb, pe);
  }

  /** The matrix entry im2col defines, from first principles. */
  private static float entry(float[] x, int channels, SlidingWindow g, int row, int col) {
    int k = g.kernelSize();
    int c = row / k;
    int kk = row % k;
    int kd = kk / (g.kH * g.kW);
    int kh = (kk / g.kW) % g.kH;
    int kw = kk % g.kW;
    int od = col / (g.outH * g.outW);
    int oh = (col / g.outW) % g.outH;
    int ow = col % g.outW;
    int id = od * g.sD - g.pD + kd * g.dD;
    int ih = oh * g.sH - g.pH + kh * g.dH;
    int iw = ow * g.sW - g.pW + kw * g.dW;
    if (c >= channels || id < 0 || id >= g.inD || ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) {
      return 0;
    }
    return x[c * g.inSize() + (id * g.inH + ih) * g.inW + iw];
  }

  @Test
  void im2colMatchesTheDefinitionInTilesAndCol2imIsItsAdjoint() {
    SplittableRandom r = new SplittableRandom(7);
    int[][][] cases = {
      // in, kernel, strides, dilations, padBegin, padEnd
      {{1, 5, 6}, {1, 3, 3}, {1, 1, 1}, {1, 1, 1}, {0, 1, 1}, {0, 1, 1}},
      {{1, 7, 5}, {1, 3, 2}, {1, 2, 3}, {1, 1, 2}, {0, 2, 0}, {0, 0, 3}},
      {{4, 5, 6}, {2, 3, 2}, {2, 1, 2}, {2, 1, 1}, {1, 0, 1}, {0, 2, 1}},
      {{1, 1, 9}, {1, 1, 4}, {1, 1, 1}, {1, 1, 2}, {0, 0, 3}, {0, 0, 3}},
      {{1, 3, 3}, {1, 1, 1}, {1, 2, 2}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}},
    };
    for (int[][] cs : cases) {
      SlidingWindow g = window(cs[0], cs[1], cs[2], cs[3], cs[4], cs[5]);
      int channels = 3;
      float[] x = new float[channels * g.inSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextDouble();
      }
      int rows = ReferenceIm2col.rows(channels, g);
      int outRows = g.outD * g.outH;
      for (int tile = 1; tile <= outRows; tile++) {
        for (int r0 = 0; r0 < outRows; r0 += tile) {
          int rc = Math.min(tile, outRows - r0);
          int cols = rc * g.outW;
          float[] col = new float[2 + rows * cols];
          ReferenceIm2col.im2col(x, 0, channels, g, r0, rc, col, 2);
          for (int row = 0; row < rows; row++) {
            for (int j = 0; j < cols; j++) {
              assertEquals(
                  entry(x, channels, g, row, r0 * g.outW + j),
                  col[2 + row * cols + j],
                  g + " tile " + tile + " row " + row + " col " + j);
            }
          }
          // <im2col(x), c> == <x, col2im(c)> for a random c.
          float[] c = new float[rows * cols];
          for (int i = 0; i < c.length; i++) {
            c[i] = (float) r.nextDouble();
          }
          double lhs = 0;
          for (int i = 0; i < c.length; i++) {
            lhs += (double) col[2 + i] * c[i];
          }
          float[] back = new float[x.length];
          ReferenceIm2col.col2im(c, 0, channels, g, r0, rc, back, 0);
          double rhs = 0;
          for (int i = 0; i < x.length; i++) {
            rhs += (double) x[i] * back[i];
          }
          assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), g.toString());
        }
      }
      // The double version agrees with the float one.
      double[] xd = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        xd[i] = x[i];
      }
      double[] cold = new double[rows * outRows * g.outW];
      ReferenceIm2col.im2col(xd, 0, channels, g, 0, outRows, cold, 0);
      float[] colf = new float[cold.length];
      ReferenceIm2col.im2col(x, 0, channels, g, 0, outRows, colf, 0);
      for (int i = 0; i < cold.length; i++) {
        assertEquals(colf[i], cold[i], 0);
      }
    }
  }

  @Test
  void windowRejectsMismatchedRanks() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SlidingWindow.of(
                new int[] {3, 3},
                new int[] {1},
                new int[] {3, 3},
                new int[] {1, 1},
                new int[] {1, 1},
                new int[] {0, 0},
                new int[] {0, 0}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SlidingWindow.of(
                new int[4],
                new int[4],
                new int[4],
                new int[4],
                new int[4],
                new int[4],
                new int[4]));
  }
}
