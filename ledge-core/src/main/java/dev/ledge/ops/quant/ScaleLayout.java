package dev.ledge.ops.quant;

import dev.ledge.LedgeException;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Which scale (and zero point) each element of a tensor uses in QuantizeLinear and
 * DequantizeLinear: one for the whole tensor, one per index of {@code axis}, or one per block of
 * {@code block_size} consecutive indices of {@code axis} (blocked quantization).
 *
 * <p>Elements are visited as rows: a run of consecutive elements (the dims after {@code axis})
 * whose parameter index is {@code base + j * stride} for the j-th element of the run.
 */
final class ScaleLayout {
  /** Receives one row of elements. */
  @FunctionalInterface
  interface RowVisitor {
    void visit(int start, int length, int paramBase, int paramStride);
  }

  private enum Granularity {
    PER_TENSOR,
    PER_AXIS,
    BLOCKED
  }

  private final Granularity granularity;
  private final int size;
  private final int outer;
  private final int axisDim;
  private final int inner;
  private final int blockSize;
  private final int blocks;

  private ScaleLayout(
      Granularity g, int size, int outer, int axisDim, int inner, int blockSize, int blocks) {
    this.granularity = g;
    this.size = size;
    this.outer = outer;
    this.axisDim = axisDim;
    this.inner = inner;
    this.blockSize = blockSize;
    this.blocks = blocks;
  }

  /**
   * The layout for an input of shape {@code x} and a scale of shape {@code scale}.
   *
   * @param axis the quantization axis (may be negative); used for per-axis and blocked layouts
   * @param blockSize 0 for per-tensor or per-axis, else the block size
   * @param error builds the exception for a mismatch
   */
  static ScaleLayout of(
      int[] x, int[] scale, long axis, long blockSize, Function<String, LedgeException> error) {
    int size = 1;
    for (int d : x) {
      size *= d;
    }
    int scaleSize = 1;
    for (int d : scale) {
      scaleSize *= d;
    }
    if (blockSize < 0) {
      throw error.apply("block_size must be >= 0, got " + blockSize);
    }
    // A one-element scale is per-tensor whatever its rank (as the ONNX reference treats it).
    if (scaleSize == 1) {
      return new ScaleLayout(Granularity.PER_TENSOR, size, 1, size, 1, 0, 1);
    }
    int rank = x.length;
    if (axis < -rank || axis >= rank) {
      throw error.apply(
          "axis "
              + axis
              + " is out of range for an input of rank "
              + rank
              + " "
              + Arrays.toString(x));
    }
    int a = (int) (axis < 0 ? axis + rank : axis);
    int outer = 1;
    for (int i = 0; i < a; i++) {
      outer *= x[i];
    }
    int inner = 1;
    for (int i = a + 1; i < rank; i++) {
      inner *= x[i];
    }
    int dim = x[a];
    if (blockSize == 0) {
      if (scale.length != 1 || scale[0] != dim) {
        throw error.apply(
            "scale of shape "
                + Arrays.toString(scale)
                + " does not fit input "
                + Arrays.toString(x)
                + ": expected a scalar (per-tensor) or a 1-D tensor of length "
                + dim
                + " (per-axis, axis "
                + a
                + "), or a block_size for blocked quantization");
      }
      return new ScaleLayout(Granularity.PER_AXIS, size, outer, dim, inner, 0, dim);
    }
    long expectedBlocks = (dim + blockSize - 1) / blockSize;
    boolean ok = scale.length == rank;
    for (int i = 0; ok && i < rank; i++) {
      ok = i == a ? scale[i] == expectedBlocks : scale[i] == x[i];
    }
    if (!ok) {
      int[] want = x.clone();
      want[a] = (int) expectedBlocks;
      throw error.apply(
          "blocked quantization of input "
              + Arrays.toString(x)
              + " along axis "
              + a
              + " with block_size "
              + blockSize
              + " needs a scale of shape "
              + Arrays.toString(want)
              + ", got "
              + Arrays.toString(scale));
    }
    return new ScaleLayout(
        Granularity.BLOCKED, size, outer, dim, inner, (int) blockSize, (int) expectedBlocks);
  }

  /** Visits every element of the input, row by row. */
  void forEachRow(RowVisitor v) {
    switch (granularity) {
      case PER_TENSOR -> {
        if (size > 0) {
          v.visit(0, size, 0, 0);
        }
      }
      case PER_AXIS -> {
        for (int o = 0; o < outer; o++) {
          for (int i = 0; i < axisDim; i++) {
            v.visit((o * axisDim + i) * inner, inner, i, 0);
          }
        }
      }
      case BLOCKED -> {
        for (int o = 0; o < outer; o++) {
          for (int i = 0; i < axisDim; i++) {
            v.visit((o * axisDim + i) * inner, inner, (o * blocks + i / blockSize) * inner, 1);
          }
        }
      }
    }
  }
}
