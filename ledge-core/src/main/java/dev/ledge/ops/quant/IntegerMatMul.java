package dev.ledge.ops.quant;

import dev.ledge.LedgeException;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Broadcast;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Function;

/**
 * numpy.matmul over zero-point-corrected 8-bit integers with exact int32 accumulation (wrapping on
 * overflow, as the spec allows "if and only if in 32 bits"), shared by MatMulInteger and
 * QLinearMatMul. Batch dims broadcast; a 1-D A is a row vector and a 1-D B a column vector whose
 * extra dim is dropped from the result.
 */
final class IntegerMatMul {
  private final int[] outShape;
  private final int m;
  private final int k;
  private final int n;
  private final int[] aBatch;
  private final int[] bBatch;
  private final int aBatches;
  private final int bBatches;

  private IntegerMatMul(
      int[] outShape, int m, int k, int n, int[] aBatch, int[] bBatch, int aBatches, int bBatches) {
    this.outShape = outShape;
    this.m = m;
    this.k = k;
    this.n = n;
    this.aBatch = aBatch;
    this.bBatch = bBatch;
    this.aBatches = aBatches;
    this.bBatches = bBatches;
  }

  /** The product geometry of A and B, or an error naming both shapes. */
  static IntegerMatMul of(int[] a, int[] b, Function<String, LedgeException> error) {
    if (a.length == 0 || b.length == 0) {
      throw error.apply(
          "matmul inputs must have rank >= 1, got "
              + Arrays.toString(a)
              + " and "
              + Arrays.toString(b));
    }
    int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
    int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
    int m = a2[a2.length - 2];
    int k = a2[a2.length - 1];
    int n = b2[b2.length - 1];
    if (b2[b2.length - 2] != k) {
      throw error.apply(
          "cannot multiply "
              + Arrays.toString(a)
              + " by "
              + Arrays.toString(b)
              + ": inner dims "
              + k
              + " and "
              + b2[b2.length - 2]
              + " differ");
    }
    int[] ab = Arrays.copyOf(a2, a2.length - 2);
    int[] bb = Arrays.copyOf(b2, b2.length - 2);
    int[] batch = Shapes.broadcastOrNull(ab, bb);
    if (batch == null) {
      throw error.apply(
          "batch dims of "
              + Arrays.toString(a)
              + " and "
              + Arrays.toString(b)
              + " do not broadcast");
    }
    int[] out = Arrays.copyOf(batch, batch.length + 2);
    out[batch.length] = m;
    out[batch.length + 1] = n;
    Shapes.size(out);
    int[] result = out;
    if (a.length == 1 && b.length == 1) {
      result = batch;
    } else if (a.length == 1) {
      result = removeAt(out, batch.length);
    } else if (b.length == 1) {
      result = removeAt(out, batch.length + 1);
    }
    return new IntegerMatMul(
        result,
        m,
        k,
        n,
        Broadcast.indexMap(ab, batch),
        Broadcast.indexMap(bb, batch),
        Shapes.size(ab),
        Shapes.size(bb));
  }

  /** The static result shape when both input shapes are fully known, else null. */
  static Shape staticShape(Shape a, Shape b, Function<String, LedgeException> error) {
    int[] as = a == null ? null : a.toIntsOrNull();
    int[] bs = b == null ? null : b.toIntsOrNull();
    return as == null || bs == null ? null : Shape.of(of(as, bs, error).outShape());
  }

  private static int[] removeAt(int[] s, int i) {
    int[] r = new int[s.length - 1];
    System.arraycopy(s, 0, r, 0, i);
    System.arraycopy(s, i + 1, r, i, s.length - i - 1);
    return r;
  }

  int[] outShape() {
    return outShape;
  }

  int rows() {
    return m;
  }

  int cols() {
    return n;
  }

  /**
   * The values of A minus its zero point: a scalar, one per row (a 1-D tensor of length M), or one
   * per batch and row (shape [..., M, 1] with A's batch dims).
   */
  int[] centeredA(Tensor a, Tensor zp, Function<String, LedgeException> error) {
    int[] zpIndexStride = zeroPointLayout(zp, a.shape(), true, error);
    int[] r = new int[a.size()];
    for (int bi = 0; bi < aBatches; bi++) {
      for (int row = 0; row < m; row++) {
        int z = zp == null ? 0 : (int) zp.getLong(zpIndexStride[0] * bi + zpIndexStride[1] * row);
        int base = (bi * m + row) * k;
        for (int c = 0; c < k; c++) {
          r[base + c] = (int) a.getLong(base + c) - z;
        }
      }
    }
    return r;
  }

  /**
   * The values of B minus its zero point: a scalar, one per column (a 1-D tensor of length N), or
   * one per batch and column (shape [..., 1, N] with B's batch dims).
   */
  int[] centeredB(Tensor b, Tensor zp, Function<String, LedgeException> error) {
    int[] zpIndexStride = zeroPointLayout(zp, b.shape(), false, error);
    int[] r = new int[b.size()];
    for (int bi = 0; bi < bBatches; bi++) {
      for (int row = 0; row < k; row++) {
        int base = (bi * k + row) * n;
        for (int c = 0; c < n; c++) {
          int z = zp == null ? 0 : (int) zp.getLong(zpIndexStride[0] * bi + zpIndexStride[1] * c);
          r[base + c] = (int) b.getLong(base + c) - z;
        }
      }
    }
    return r;
  }

  /** {batch stride, row-or-column stride} into the zero point tensor. */
  private int[] zeroPointLayout(
      Tensor zp, int[] shape, boolean perRow, Function<String, LedgeException> error) {
    if (zp == null || zp.size() == 1) {
      return new int[] {0, 0};
    }
    int len = perRow ? m : n;
    int[] zs = zp.shape();
    if (zs.length == 1 && zs[0] == len && shape.length >= 2) {
      return new int[] {0, 1};
    }
    if (zs.length == shape.length && shape.length >= 2) {
      int[] want = shape.clone();
      want[shape.length - (perRow ? 1 : 2)] = 1;
      if (Arrays.equals(zs, want)) {
        return new int[] {len, 1};
      }
    }
    throw error.apply(
        "zero point of shape "
            + Arrays.toString(zs)
            + " does not fit input "
            + Arrays.toString(shape)
            + ": expected a scalar, a 1-D tensor of length "
            + len
            + (perRow ? " (one per row)" : " (one per column)")
            + " or one per batch and "
            + (perRow ? "row" : "column"));
  }

  /** The int32 products of centered A and B, row-major over the (unsqueezed) output. */
  int[] multiply(int[] a, int[] b) {
    int batches = aBatch.length;
    int[] out = new int[batches * m * n];
    for (int bi = 0; bi < batches; bi++) {
      int ao = aBatch[bi] * m * k;
      int bo = bBatch[bi] * k * n;
      int oo = bi * m * n;
      for (int i = 0; i < m; i++) {
        for (int p = 0; p < k; p++) {
          int av = a[ao + i * k + p];
          if (av == 0) {
            continue;
          }
          int brow = bo + p * n;
          int orow = oo + i * n;
          for (int j = 0; j < n; j++) {
            out[orow + j] += av * b[brow + j];
          }
        }
      }
    }
    return out;
  }
}
