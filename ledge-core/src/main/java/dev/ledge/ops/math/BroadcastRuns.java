package dev.ledge.ops.math;

import dev.ledge.tensor.Shapes;
import java.util.Arrays;

/**
 * Walks the output of a numpy-broadcast elementwise operation as runs of consecutive output
 * elements. Within a run every operand advances by a fixed step: 1 where it is read contiguously, 0
 * where it is broadcast. Dimensions of size 1 are dropped and adjacent dimensions that every
 * operand reads the same way are merged first, so equal shapes give one run over the whole output
 * and a scalar operand gives one run with step 0; only true broadcasting yields several runs.
 *
 * <p>Offsets passed to the bodies are element indices relative to each operand's first element
 * (callers add {@code Tensor.offset()}); the output is always written contiguously from 0.
 */
final class BroadcastRuns {
  private BroadcastRuns() {}

  /** The body of a two-operand walk: {@code n} output elements starting at {@code out}. */
  @FunctionalInterface
  interface Binary {
    void run(int a, int aStep, int b, int bStep, int out, int n);
  }

  /** The body of a three-operand walk. */
  @FunctionalInterface
  interface Ternary {
    void run(int a, int aStep, int b, int bStep, int c, int cStep, int out, int n);
  }

  /**
   * Walks {@code outShape} for operands of shapes {@code a} and {@code b}, each of which must
   * broadcast to {@code outShape} (checked by the caller).
   */
  static void binary(int[] outShape, int[] a, int[] b, Binary body) {
    int n = Shapes.size(outShape);
    if (n == 0) {
      return;
    }
    // Fast paths: the common cases need no stride arithmetic at all.
    boolean aFull = Arrays.equals(a, outShape);
    boolean bFull = Arrays.equals(b, outShape);
    if (aFull && bFull) {
      body.run(0, 1, 0, 1, 0, n);
      return;
    }
    if (aFull && Shapes.size(b) == 1) {
      body.run(0, 1, 0, 0, 0, n);
      return;
    }
    if (bFull && Shapes.size(a) == 1) {
      body.run(0, 0, 0, 1, 0, n);
      return;
    }
    walk(
        outShape,
        new int[][] {a, b},
        (off, step, out, len) -> body.run(off[0], step[0], off[1], step[1], out, len));
  }

  /** Walks {@code outShape} for three operands that each broadcast to it. */
  static void ternary(int[] outShape, int[] a, int[] b, int[] c, Ternary body) {
    if (Shapes.size(outShape) == 0) {
      return;
    }
    walk(
        outShape,
        new int[][] {a, b, c},
        (off, step, out, len) ->
            body.run(off[0], step[0], off[1], step[1], off[2], step[2], out, len));
  }

  @FunctionalInterface
  private interface RunK {
    void run(int[] offsets, int[] steps, int out, int n);
  }

  private static void walk(int[] outShape, int[][] shapes, RunK body) {
    int k = shapes.length;
    int rank = outShape.length;
    int[][] strides = new int[k][];
    for (int i = 0; i < k; i++) {
      strides[i] = Shapes.broadcastStrides(shapes[i], outShape);
    }
    // Coalesced groups, innermost first: group g has size dims[g] and, per operand, the stride of
    // its innermost dimension. Dim d merges into the group inside it when every operand's stride
    // at d equals that group's stride times the group's size (contiguous, or broadcast in both).
    int[] dims = new int[Math.max(rank, 1)];
    int[][] gs = new int[k][Math.max(rank, 1)];
    int groups = 0;
    for (int d = rank - 1; d >= 0; d--) {
      if (outShape[d] == 1) {
        continue;
      }
      boolean merge = groups > 0;
      for (int i = 0; i < k && merge; i++) {
        merge = (long) strides[i][d] == (long) gs[i][groups - 1] * dims[groups - 1];
      }
      if (merge) {
        dims[groups - 1] *= outShape[d];
      } else {
        dims[groups] = outShape[d];
        for (int i = 0; i < k; i++) {
          gs[i][groups] = strides[i][d];
        }
        groups++;
      }
    }
    int[] off = new int[k];
    int[] step = new int[k];
    if (groups == 0) {
      body.run(off, step, 0, 1); // every dim is 1: a single element
      return;
    }
    int len = dims[0];
    for (int i = 0; i < k; i++) {
      step[i] = gs[i][0];
    }
    int runs = Shapes.size(outShape) / len;
    int[] idx = new int[groups];
    int out = 0;
    for (int r = 0; r < runs; r++) {
      body.run(off, step, out, len);
      out += len;
      for (int g = 1; g < groups; g++) {
        idx[g]++;
        for (int i = 0; i < k; i++) {
          off[i] += gs[i][g];
        }
        if (idx[g] < dims[g]) {
          break;
        }
        for (int i = 0; i < k; i++) {
          off[i] -= gs[i][g] * dims[g];
        }
        idx[g] = 0;
      }
    }
  }
}
