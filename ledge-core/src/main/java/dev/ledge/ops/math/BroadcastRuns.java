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
    Walk w = new Walk(outShape, shapes);
    w.start();
    while (w.next()) {
      body.run(w.off, w.step, w.out, w.len);
    }
  }

  /**
   * The runs of one broadcast, computed once for given shapes and replayed without allocating
   * (kernels keep it as their {@link dev.ledge.ops.ExecContext#kernelState}). Use: {@link #start},
   * then while {@link #next} read {@link #offset}, {@link #step}, {@link #out} and {@link #length}.
   */
  static final class Walk {
    private final int[] outShape;
    private final int[][] shapes;
    private final int k;
    private final int groups;
    private final int len;
    private final int runs;

    /** Coalesced dims, innermost first, and per operand the stride of each group. */
    private final int[] dims;

    private final int[][] gs;
    private final int[] off;
    private final int[] step;
    private final int[] idx;
    private int run;
    private int out;

    /** The walk of operands of {@code shapes} (each broadcasting to {@code outShape}). */
    Walk(int[] outShape, int[]... shapes) {
      this.outShape = outShape.clone();
      this.k = shapes.length;
      this.shapes = new int[k][];
      for (int i = 0; i < k; i++) {
        this.shapes[i] = shapes[i].clone();
      }
      int rank = outShape.length;
      int[][] strides = new int[k][];
      for (int i = 0; i < k; i++) {
        strides[i] = Shapes.broadcastStrides(shapes[i], outShape);
      }
      // Coalesced groups, innermost first: group g has size dims[g] and, per operand, the stride of
      // its innermost dimension. Dim d merges into the group inside it when every operand's stride
      // at d equals that group's stride times the group's size (contiguous, or broadcast in both).
      dims = new int[Math.max(rank, 1)];
      gs = new int[k][Math.max(rank, 1)];
      int g = 0;
      for (int d = rank - 1; d >= 0; d--) {
        if (outShape[d] == 1) {
          continue;
        }
        boolean merge = g > 0;
        for (int i = 0; i < k && merge; i++) {
          merge = (long) strides[i][d] == (long) gs[i][g - 1] * dims[g - 1];
        }
        if (merge) {
          dims[g - 1] *= outShape[d];
        } else {
          dims[g] = outShape[d];
          for (int i = 0; i < k; i++) {
            gs[i][g] = strides[i][d];
          }
          g++;
        }
      }
      groups = g;
      off = new int[k];
      step = new int[k];
      idx = new int[Math.max(g, 1)];
      int size = Shapes.size(outShape);
      if (g == 0) {
        len = 1; // every dim is 1: a single element (or none)
        runs = size == 0 ? 0 : 1;
      } else {
        len = dims[0];
        for (int i = 0; i < k; i++) {
          step[i] = gs[i][0];
        }
        runs = size == 0 ? 0 : size / len;
      }
    }

    /** True if this walk was made for these shapes. */
    boolean fits(int[] outShape, int[] a, int[] b) {
      return k == 2
          && Arrays.equals(this.outShape, outShape)
          && Arrays.equals(shapes[0], a)
          && Arrays.equals(shapes[1], b);
    }

    /** Rewinds to before the first run. */
    void start() {
      Arrays.fill(off, 0);
      Arrays.fill(idx, 0);
      run = 0;
      out = 0;
    }

    /** Moves to the next run; false when there is none. */
    boolean next() {
      if (run >= runs) {
        return false;
      }
      if (run > 0) {
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
      run++;
      return true;
    }

    /** Element index of operand {@code i}'s first element in this run. */
    int offset(int i) {
      return off[i];
    }

    /** How far operand {@code i} advances per output element in this run (1, 0 or a stride). */
    int step(int i) {
      return step[i];
    }

    /** Output index of the run's first element. */
    int out() {
      return out;
    }

    /** Output elements in the run. */
    int length() {
      return len;
    }
  }
}
