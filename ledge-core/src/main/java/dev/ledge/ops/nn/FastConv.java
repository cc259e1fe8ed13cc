package dev.ledge.ops.nn;

import dev.ledge.kernels.ConvPanels;
import dev.ledge.kernels.Parallel;
import dev.ledge.kernels.SlidingWindow;
import dev.ledge.kernels.VectorGemm;
import java.util.Arrays;

/**
 * The float32 SIMD convolution: weights packed once at prepare time, im2col written straight into
 * the GEMM's packed panels ({@link ConvPanels}), the output initialised with the bias (plus an
 * optional residual input) and the activation applied as a clamp when each tile is finished. Work
 * is split across threads along output positions, or along output channels when there are few
 * positions; each output element is computed by one thread in a fixed order, so results do not
 * depend on the thread count.
 */
final class FastConv {
  private final float[][] packedWeights;
  private final boolean clamp;
  private final float lo;
  private final float hi;

  private FastConv(float[][] packedWeights, boolean clamp, float lo, float hi) {
    this.packedWeights = packedWeights;
    this.clamp = clamp;
    this.lo = lo;
    this.hi = hi;
  }

  /**
   * Packs constant float32 weights {@code w} (M x C/group x k...) per group.
   *
   * @param clamp whether to clamp outputs to {@code [lo, hi]} (fused Relu or Clip)
   */
  static FastConv prepare(
      float[] w, int wOff, int m, int group, int ck, boolean clamp, float lo, float hi) {
    int mg = m / group;
    float[][] packed = new float[group][];
    for (int grp = 0; grp < group; grp++) {
      packed[grp] = VectorGemm.packWholeA(false, w, wOff + grp * mg * ck, ck, mg, ck, 1f);
    }
    return new FastConv(packed, clamp, lo, hi);
  }

  /** True if these packed weights were made for this geometry. */
  boolean fits(ConvOp.Geometry geo) {
    return packedWeights.length == geo.group()
        && packedWeights[0].length == VectorGemm.packedASize(geo.mg(), geo.ck());
  }

  /** y = act(conv(x) + bias + z) for one batch of inputs; {@code b} and {@code z} may be null. */
  void run(
      int threads,
      ConvOp.Geometry geo,
      float[] x,
      int xOff,
      float[] b,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff) {
    SlidingWindow g = geo.g();
    int inSize = g.inSize();
    int outSize = g.outSize();
    int cg = geo.cg();
    int mg = geo.mg();
    int ck = geo.ck();
    boolean direct = geo.direct();
    for (int n = 0; n < geo.n(); n++) {
      for (int grp = 0; grp < geo.group(); grp++) {
        int xo = xOff + (n * geo.c() + grp * cg) * inSize;
        int yo = yOff + (n * geo.m() + grp * mg) * outSize;
        for (int j = 0; j < mg; j++) {
          int row = yo + j * outSize;
          if (z != null) {
            System.arraycopy(z, zOff + (row - yOff), y, row, outSize);
            if (b != null) {
              float bias = b[bOff + grp * mg + j];
              for (int i = 0; i < outSize; i++) {
                y[row + i] += bias;
              }
            }
          } else {
            Arrays.fill(y, row, row + outSize, b == null ? 0f : b[bOff + grp * mg + j]);
          }
        }
        float[] packed = packedWeights[grp];
        VectorGemm.PanelSource source =
            direct ? VectorGemm.matrix(false, x, xo, inSize) : new ConvPanels(x, xo, g);
        int colBlocks = (outSize + VectorGemm.NR - 1) / VectorGemm.NR;
        int rowBlocks = (mg + VectorGemm.MR - 1) / VectorGemm.MR;
        double flops = 2.0 * mg * ck * outSize;
        int parts = threads <= 1 || flops < 4e6 ? 1 : threads;
        if (parts == 1) {
          VectorGemm.gemmPackedA(
              packed, mg, ck, 0, mg, source, 0, outSize, y, yo, outSize, clamp, lo, hi);
        } else if (colBlocks >= 2 * parts || colBlocks >= rowBlocks) {
          int per = (colBlocks + parts - 1) / parts * VectorGemm.NR;
          Parallel.forEach(
              parts,
              parts,
              p ->
                  VectorGemm.gemmPackedA(
                      packed,
                      mg,
                      ck,
                      0,
                      mg,
                      source,
                      p * per,
                      Math.min(outSize, (p + 1) * per),
                      y,
                      yo,
                      outSize,
                      clamp,
                      lo,
                      hi));
        } else {
          int per = (rowBlocks + parts - 1) / parts * VectorGemm.MR;
          Parallel.forEach(
              parts,
              parts,
              p ->
                  VectorGemm.gemmPackedA(
                      packed,
                      mg,
                      ck,
                      p * per,
                      Math.min(mg, (p + 1) * per),
                      source,
                      0,
                      outSize,
                      y,
                      yo,
                      outSize,
                      clamp,
                      lo,
                      hi));
        }
      }
    }
  }
}
