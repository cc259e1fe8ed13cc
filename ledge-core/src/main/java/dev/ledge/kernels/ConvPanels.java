package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * im2col written straight into {@link VectorGemm}'s packed B layout, so a convolution never builds
 * the im2col matrix and then copies it again: row {@code kk} of B is input channel, kernel depth,
 * row and column {@code (c, kd, kh, kw)}; column {@code j} is output position {@code (od, oh, ow)};
 * the entry is the input value under that kernel tap, or 0 in the padding.
 *
 * <p>A panel whose NR columns lie on one output row reads NR consecutive inputs when the stride is
 * 1 and no tap falls in the padding: one vector copy. Other panels use per-column offsets.
 */
public final class ConvPanels implements VectorGemm.PanelSource {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int NR = VectorGemm.NR;

  private final float[] x;
  private final int xOff;
  private final SlidingWindow g;
  private final int kSize;
  private final int inSize;
  private final int outHW;

  /**
   * @param x the input array
   * @param xOff offset of the first input channel of the group in {@code x}
   * @param g convolution geometry
   */
  public ConvPanels(float[] x, int xOff, SlidingWindow g) {
    this.x = x;
    this.xOff = xOff;
    this.g = g;
    this.kSize = g.kD * g.kH * g.kW;
    this.inSize = g.inD * g.inH * g.inW;
    this.outHW = g.outH * g.outW;
  }

  @Override
  public void pack(int pc, int kc, int jc, int nc, float[] out) {
    int panels = (nc + NR - 1) / NR;
    // Per column: input depth/row/column of the kernel's first tap (may be negative: padding).
    int[] cols = Scratch.ints(Scratch.Slot.COLUMNS, 3 * panels * NR);
    for (int j = 0; j < panels * NR; j++) {
      int col = jc + Math.min(j, nc - 1);
      int od = col / outHW;
      int rem = col - od * outHW;
      int oh = rem / g.outW;
      int ow = rem - oh * g.outW;
      cols[3 * j] = od * g.sD - g.pD;
      cols[3 * j + 1] = oh * g.sH - g.pH;
      cols[3 * j + 2] = ow * g.sW - g.pW;
    }
    int o = 0;
    for (int panel = 0; panel < panels; panel++) {
      int j0 = panel * NR;
      int width = Math.min(NR, nc - j0);
      boolean oneRow =
          width == NR
              && g.sW == 1
              && cols[3 * j0] == cols[3 * (j0 + NR - 1)]
              && cols[3 * j0 + 1] == cols[3 * (j0 + NR - 1) + 1]
              && cols[3 * (j0 + NR - 1) + 2] - cols[3 * j0 + 2] == NR - 1;
      for (int p = pc; p < pc + kc; p++) {
        int c = p / kSize;
        int t = p - c * kSize;
        int kd = t / (g.kH * g.kW);
        t -= kd * g.kH * g.kW;
        int kh = t / g.kW;
        int kw = t - kh * g.kW;
        int chan = xOff + c * inSize;
        int dd = kd * g.dD;
        int dh = kh * g.dH;
        int dw = kw * g.dW;
        if (oneRow) {
          int id = cols[3 * j0] + dd;
          int ih = cols[3 * j0 + 1] + dh;
          int iw = cols[3 * j0 + 2] + dw;
          if (id >= 0 && id < g.inD && ih >= 0 && ih < g.inH && iw >= 0 && iw + NR <= g.inW) {
            int src = chan + (id * g.inH + ih) * g.inW + iw;
            FloatVector.fromArray(S, x, src).intoArray(out, o);
            FloatVector.fromArray(S, x, src + S.length()).intoArray(out, o + S.length());
            o += NR;
            continue;
          }
        }
        for (int j = 0; j < NR; j++) {
          float v = 0f;
          if (j < width) {
            int jj = 3 * (j0 + j);
            int id = cols[jj] + dd;
            int ih = cols[jj + 1] + dh;
            int iw = cols[jj + 2] + dw;
            if (id >= 0 && id < g.inD && ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW) {
              v = x[chan + (id * g.inH + ih) * g.inW + iw];
            }
          }
          out[o + j] = v;
        }
        o += NR;
      }
    }
  }
}
