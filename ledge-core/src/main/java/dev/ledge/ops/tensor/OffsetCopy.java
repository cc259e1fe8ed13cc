package dev.ledge.ops.tensor;

import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;

/**
 * Copies through per-dimension offset tables: output element {@code (o_0, ..., o_{r-1})} reads
 * source element {@code tables[0][o_0] + ... + tables[r-1][o_{r-1}]}. A negative entry ({@link
 * #OUTSIDE}) in any table means "no source element": the output gets the fill value.
 *
 * <p>Many layout ops are such separable maps: Transpose (a permuted stride per dim), Slice (start
 * and step), Expand (stride 0 on broadcast dims), Tile (index modulo the input dim), Pad (mirror,
 * edge, wrap or outside), depth/space rearrangements and nearest-neighbour resizing.
 */
final class OffsetCopy {
  /** Table entry for an output index that has no source element. */
  static final int OUTSIDE = -1;

  private OffsetCopy() {}

  /** A table that reads index {@code i} at {@code i * stride}, for {@code n} indices. */
  static int[] strided(int n, int start, int stride) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = (start + i * stride);
    }
    return t;
  }

  /**
   * Fills {@code dst} (shape {@code outShape}) from {@code src} through the tables; {@code fill} is
   * a one-element tensor of the dtype, or null if no table has {@link #OUTSIDE} entries.
   */
  static void run(Tensor src, int[][] tables, int[] outShape, Tensor dst, Tensor fill) {
    new Plan(tables, outShape).run(src, dst, fill);
  }

  /**
   * Tables and output shape of one copy, made once and run many times without allocating (kernels
   * keep it as their state between runs).
   */
  static final class Plan {
    final int[][] tables;
    final int[] outShape;
    private final int size;
    private final boolean contiguous;

    /** The row counter of {@link #run}, reused. */
    private final int[] idx;

    Plan(int[][] tables, int[] outShape) {
      this.tables = tables;
      this.outShape = outShape;
      this.size = Shapes.size(outShape);
      int r = outShape.length;
      boolean c = r > 0;
      if (r > 0) {
        int[] lastTable = tables[r - 1];
        for (int j = 0; j < outShape[r - 1]; j++) {
          if (lastTable[j] != lastTable[0] + j || lastTable[j] < 0) {
            c = false;
            break;
          }
        }
      }
      this.contiguous = c;
      this.idx = new int[Math.max(0, r - 1)];
    }

    /**
     * Fills {@code dst} (shape {@link #outShape}) from {@code src}; {@code fill} is a one-element
     * tensor of the dtype, or null if no table has {@link #OUTSIDE} entries.
     */
    void run(Tensor src, Tensor dst, Tensor fill) {
      int r = outShape.length;
      if (size == 0) {
        return;
      }
      if (r == 0) {
        Elements.copyOne(src, 0, dst, 0);
        return;
      }
      int last = outShape[r - 1];
      int[] lastTable = tables[r - 1];
      java.util.Arrays.fill(idx, 0);
      int rows = size / last;
      for (int row = 0, pos = 0; row < rows; row++, pos += last) {
        int base = 0;
        boolean outside = false;
        for (int d = 0; d < r - 1; d++) {
          int o = tables[d][idx[d]];
          if (o < 0) {
            outside = true;
          }
          base += o;
        }
        if (outside) {
          Elements.fill(dst, pos, pos + last, fill);
        } else if (contiguous) {
          Elements.copy(src, base + lastTable[0], dst, pos, last);
        } else {
          Elements.gatherRow(src, base, lastTable, dst, pos, last, fill);
        }
        for (int d = r - 2; d >= 0; d--) {
          if (++idx[d] < outShape[d]) {
            break;
          }
          idx[d] = 0;
        }
      }
    }
  }
}
