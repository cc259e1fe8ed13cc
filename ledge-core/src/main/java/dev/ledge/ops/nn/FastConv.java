package dev.ledge.ops.nn;

import dev.ledge.kernels.DepthwiseConv;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.ImplicitGemmConv;
import dev.ledge.kernels.Parallel;
import dev.ledge.kernels.SlidingWindow;
import dev.ledge.kernels.VectorGemm;
import java.util.Arrays;

/**
 * The float32 SIMD convolution, weights packed once at prepare time. A 1x1 convolution with unit
 * strides and no padding is a plain matrix product: the output is initialised with the bias (plus
 * an optional residual input) and the activation applied to each tile when it is finished. Others
 * are implicit GEMMs ({@link ImplicitGemmConv}) that read the im2col matrix from a padded copy of
 * the input without building it. Work is split across threads along output positions, or along
 * output channels when there are few positions; each output element is computed by one thread in a
 * fixed order, so results do not depend on the thread count.
 */
final class FastConv {
  private final float[][] packedWeights;

  /** The weights as given, for depthwise convolutions (which do not use the GEMM). */
  private final float[] rawWeights;

  private final int rawOffset;

  /** The fused activation, applied in place to finished tiles; null for none. */
  private final FloatUnaryKernel activation;

  private FastConv(
      float[][] packedWeights, float[] rawWeights, int rawOffset, FloatUnaryKernel activation) {
    this.packedWeights = packedWeights;
    this.rawWeights = rawWeights;
    this.rawOffset = rawOffset;
    this.activation = activation;
  }

  /**
   * Packs constant float32 weights {@code w} (M x C/group x k...) per group.
   *
   * @param cg input channels per group (W's dim 1)
   * @param ck W's elements per output channel: cg times the kernel size
   * @param activation the SIMD kernel of a fused activation, or null
   */
  static FastConv prepare(
      float[] w, int wOff, int m, int group, int cg, int ck, FloatUnaryKernel activation) {
    int mg = m / group;
    if (group > 1 && mg == 1 && cg == 1) {
      // Depthwise: the taps are used as given, with no GEMM.
      return new FastConv(null, w, wOff, activation);
    }
    float[][] packed = new float[group][];
    for (int grp = 0; grp < group; grp++) {
      packed[grp] = VectorGemm.packWholeA(false, w, wOff + grp * mg * ck, ck, mg, ck, 1f);
    }
    return new FastConv(packed, null, 0, activation);
  }

  /** True if these packed weights were made for this geometry. */
  boolean fits(ConvOp.Geometry geo) {
    if (packedWeights == null) {
      return geo.cg() == 1 && geo.mg() == 1;
    }
    return packedWeights.length == geo.group()
        && packedWeights[0].length == VectorGemm.packedASize(geo.mg(), geo.ck());
  }

  /**
   * Reusable kernels for one geometry, kept by the Conv node between runs so that a run allocates
   * none.
   */
  static final class Panels {
    /**
     * The implicit GEMM of convolutions that are not plain matrix products (over one group's
     * channels), or of 3-D depthwise convolutions (over all channels); else null.
     */
    final ImplicitGemmConv conv;

    /** The depthwise kernel of 1-D and 2-D depthwise convolutions; else null. */
    final DepthwiseConv depthwise;

    final VectorGemm.MatrixPanels matrix = new VectorGemm.MatrixPanels(false);

    private Panels(ImplicitGemmConv conv, DepthwiseConv depthwise) {
      this.conv = conv;
      this.depthwise = depthwise;
    }
  }

  /** New reusable kernels for geometry {@code geo}, which these weights {@link #fits}. */
  Panels panels(ConvOp.Geometry geo) {
    if (packedWeights == null) {
      return DepthwiseConv.supports(geo.g())
          ? new Panels(null, DepthwiseConv.of(geo.g()))
          : new Panels(new ImplicitGemmConv(geo.g(), geo.c()), null);
    }
    return new Panels(geo.direct() ? null : new ImplicitGemmConv(geo.g(), geo.cg()), null);
  }

  /** y = act(conv(x) + bias + z) for one batch of inputs; {@code b} and {@code z} may be null. */
  void run(
      int threads,
      ConvOp.Geometry geo,
      Panels panels,
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
    boolean pointwise = g.kernelSize() == 1;
    if (packedWeights == null) {
      depthwise(threads, geo, panels, x, xOff, b, bOff, z, zOff, y, yOff);
      return;
    }
    for (int n = 0; n < geo.n(); n++) {
      for (int grp = 0; grp < geo.group(); grp++) {
        int xo = xOff + (n * geo.c() + grp * cg) * inSize;
        int yo = yOff + (n * geo.m() + grp * mg) * outSize;
        float[] packed = packedWeights[grp];
        if (!direct && !pointwise) {
          implicit(
              threads,
              panels.conv,
              packed,
              mg,
              ck,
              x,
              xo,
              b,
              bOff + grp * mg,
              z,
              zOff,
              y,
              yOff,
              yo);
          continue;
        }
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
        VectorGemm.PanelSource source;
        if (direct) {
          source = panels.matrix.at(x, xo, inSize);
        } else {
          // A strided or padded 1x1 kernel: its prepared input is the im2col matrix, and reading
          // rows a plane apart in place would defeat the caches, so it is packed as usual.
          panels.conv.at(x, xo);
          source = panels.matrix.at(panels.conv.prepared(), panels.conv.preparedOffset(), outSize);
        }
        int colBlocks = (outSize + VectorGemm.NR - 1) / VectorGemm.NR;
        int rowBlocks = (mg + VectorGemm.MR - 1) / VectorGemm.MR;
        double flops = 2.0 * mg * ck * outSize;
        int parts = threads <= 1 || flops < 4e6 ? 1 : threads;
        if (parts == 1) {
          VectorGemm.gemmPackedA(
              packed, mg, ck, 0, mg, source, 0, outSize, y, yo, outSize, activation);
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
                      activation));
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
                      activation));
        }
      }
    }
  }

  /**
   * One group and batch item by the implicit GEMM, split across threads along output positions, or
   * along output channels when there are few positions.
   */
  private void implicit(
      int threads,
      ImplicitGemmConv conv,
      float[] packed,
      int mg,
      int ck,
      float[] x,
      int xo,
      float[] b,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff,
      int yo) {
    conv.at(x, xo, threads);
    int grid = conv.grid();
    int zo = z == null ? 0 : zOff + (yo - yOff);
    int colBlocks = (grid + VectorGemm.NR - 1) / VectorGemm.NR;
    int rowBlocks = (mg + VectorGemm.MR - 1) / VectorGemm.MR;
    double flops = 2.0 * mg * ck * grid;
    int parts = threads <= 1 || flops < 4e6 ? 1 : threads;
    if (parts == 1) {
      conv.run(packed, mg, 0, mg, 0, grid, b, bOff, z, zo, y, yo, activation);
    } else if (colBlocks >= 2 * parts || colBlocks >= rowBlocks) {
      int per = (colBlocks + parts - 1) / parts * VectorGemm.NR;
      Parallel.forEach(
          parts,
          parts,
          p ->
              conv.run(
                  packed, mg, 0, mg, p * per, (p + 1) * per, b, bOff, z, zo, y, yo, activation));
    } else {
      int per = (rowBlocks + parts - 1) / parts * VectorGemm.MR;
      Parallel.forEach(
          parts,
          parts,
          p ->
              conv.run(
                  packed, mg, p * per, (p + 1) * per, 0, grid, b, bOff, z, zo, y, yo, activation));
    }
  }

  private void depthwise(
      int threads,
      ConvOp.Geometry geo,
      Panels panels,
      float[] x,
      int xOff,
      float[] b,
      int bOff,
      float[] z,
      int zOff,
      float[] y,
      int yOff) {
    SlidingWindow g = geo.g();
    int outSize = g.outSize();
    int channels = geo.m();
    for (int n = 0; n < geo.n(); n++) {
      int xo = xOff + n * geo.c() * g.inSize();
      int yo = yOff + n * channels * outSize;
      int zo = z == null ? 0 : zOff + n * channels * outSize;
      if (panels.conv != null) {
        panels.conv.at(x, xo);
      }
      double flops = 2.0 * channels * g.kernelSize() * outSize;
      int parts = threads <= 1 || flops < 2e6 ? 1 : Math.min(threads, channels);
      if (parts == 1) {
        depthwise(panels, x, xo, b, bOff, z, zo, y, yo, 0, channels);
        continue;
      }
      int per = (channels + parts - 1) / parts;
      Parallel.forEach(
          parts,
          parts,
          p ->
              depthwise(
                  panels,
                  x,
                  xo,
                  b,
                  bOff,
                  z,
                  zo,
                  y,
                  yo,
                  p * per,
                  Math.min(channels, (p + 1) * per)));
    }
  }

  private void depthwise(
      Panels panels,
      float[] x,
      int xo,
      float[] b,
      int bOff,
      float[] z,
      int zo,
      float[] y,
      int yo,
      int c0,
      int c1) {
    if (panels.depthwise != null) {
      panels.depthwise.run(x, xo, rawWeights, rawOffset, b, bOff, z, zo, y, yo, c0, c1, activation);
    } else {
      panels.conv.runDepthwise(rawWeights, rawOffset, c0, c1, b, bOff, z, zo, y, yo, activation);
    }
  }
}
