package dev.ledge.kernels;

/**
 * im2col written straight into {@link VectorGemm}'s packed B layout, so a convolution never builds
 * the im2col matrix and then copies it again: row {@code kk} of B is input channel, kernel depth,
 * row and column {@code (c, kd, kh, kw)}; column {@code j} is output position {@code (od, oh, ow)};
 * the entry is the input value under that kernel tap, or 0 in the padding.
 *
 * <p>The NR columns of a panel are split into runs that share an output row. With stride 1 a run
 * reads consecutive inputs, so each row of the panel is a few array copies plus zeros where the
 * taps fall into the padding; other strides gather element by element.
 */
public final class ConvPanels implements VectorGemm.PanelSource {
  private static final int NR = VectorGemm.NR;

  /** Ints per run: first panel column, length, input depth, row and column of the first tap. */
  private static final int RUN = 5;

  private float[] x;
  private int xOff;
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
    this(g);
    at(x, xOff);
  }

  /** Panels for windows of {@code g} over an input given later with {@link #at}. */
  public ConvPanels(SlidingWindow g) {
    this.g = g;
    this.kSize = g.kD * g.kH * g.kW;
    this.inSize = g.inD * g.inH * g.inW;
    this.outHW = g.outH * g.outW;
  }

  /**
   * Points these panels at another input (a group or batch item) of the same geometry, so that one
   * object serves every call.
   */
  public ConvPanels at(float[] x, int xOff) {
    this.x = x;
    this.xOff = xOff;
    return this;
  }

  @Override
  public void pack(int pc, int kc, int jc, int nc, float[] out) {
    int panels = (nc + NR - 1) / NR;
    // At most NR runs per panel (one per column in the worst case).
    int[] runs = Scratch.ints(Scratch.Slot.COLUMNS, panels * (NR * RUN + 1));
    for (int panel = 0; panel < panels; panel++) {
      int base = panel * (NR * RUN + 1);
      int width = Math.min(NR, nc - panel * NR);
      int count = 0;
      int j = 0;
      while (j < width) {
        int col = jc + panel * NR + j;
        int od = col / outHW;
        int rem = col - od * outHW;
        int oh = rem / g.outW;
        int ow = rem - oh * g.outW;
        int len = Math.min(width - j, g.outW - ow);
        int at = base + 1 + count * RUN;
        runs[at] = j;
        runs[at + 1] = len;
        runs[at + 2] = od * g.sD - g.pD;
        runs[at + 3] = oh * g.sH - g.pH;
        runs[at + 4] = ow * g.sW - g.pW;
        count++;
        j += len;
      }
      runs[base] = count;
    }
    // Per row of the block: channel offset and the tap's depth, row and column displacement,
    // stepped through (c, kd, kh, kw) without divisions in the loops below.
    int[] taps = Scratch.ints(Scratch.Slot.SECOND, kc * 4);
    {
      int c = pc / kSize;
      int t = pc - c * kSize;
      int kd = t / (g.kH * g.kW);
      t -= kd * g.kH * g.kW;
      int kh = t / g.kW;
      int kw = t - kh * g.kW;
      for (int i = 0; i < kc; i++) {
        taps[4 * i] = xOff + c * inSize;
        taps[4 * i + 1] = kd * g.dD;
        taps[4 * i + 2] = kh * g.dH;
        taps[4 * i + 3] = kw * g.dW;
        if (++kw == g.kW) {
          kw = 0;
          if (++kh == g.kH) {
            kh = 0;
            if (++kd == g.kD) {
              kd = 0;
              c++;
            }
          }
        }
      }
    }
    int o = 0;
    for (int panel = 0; panel < panels; panel++) {
      int base = panel * (NR * RUN + 1);
      int count = runs[base];
      int width = Math.min(NR, nc - panel * NR);
      for (int i = 0; i < kc; i++) {
        int chan = taps[4 * i];
        int tapD = taps[4 * i + 1];
        int tapH = taps[4 * i + 2];
        int tapW = taps[4 * i + 3];
        for (int r = 0; r < count; r++) {
          int at = base + 1 + r * RUN;
          int dst = o + runs[at];
          int len = runs[at + 1];
          int id = runs[at + 2] + tapD;
          int ih = runs[at + 3] + tapH;
          int iw = runs[at + 4] + tapW;
          if (id < 0 || id >= g.inD || ih < 0 || ih >= g.inH) {
            java.util.Arrays.fill(out, dst, dst + len, 0f);
            continue;
          }
          int row = chan + (id * g.inH + ih) * g.inW;
          if (g.sW == 1) {
            // Columns iw .. iw+len-1: copy the part inside [0, inW), zeros around it.
            int lo = Math.max(0, -iw);
            int hi = Math.min(len, g.inW - iw);
            if (hi <= lo) {
              java.util.Arrays.fill(out, dst, dst + len, 0f);
              continue;
            }
            if (lo > 0) {
              java.util.Arrays.fill(out, dst, dst + lo, 0f);
            }
            System.arraycopy(x, row + iw + lo, out, dst + lo, hi - lo);
            if (hi < len) {
              java.util.Arrays.fill(out, dst + hi, dst + len, 0f);
            }
          } else {
            for (int q = 0; q < len; q++) {
              int w = iw + q * g.sW;
              out[dst + q] = w >= 0 && w < g.inW ? x[row + w] : 0f;
            }
          }
        }
        if (width < NR) {
          java.util.Arrays.fill(out, o + width, o + NR, 0f);
        }
        o += NR;
      }
    }
  }
}
