package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transpose: permutes the axes ({@code perm}, default reversed): output axis i is input axis
 * perm[i].
 */
final class TransposeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    long[] perm = ctx.attrInts("perm", null);
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      int[] p = permutation(perm, in.rank(), ctx::error);
      List<Dim> dims = new ArrayList<>();
      for (int a : p) {
        dims.add(in.dim(a));
      }
      out = new Shape(dims);
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      Layout l = exec.kernelState() instanceof Layout k && x.hasShape(k.in) ? k : null;
      if (l == null) {
        l = new Layout(x.shape(), permutation(perm, x.rank(), exec::error));
        exec.setKernelState(l);
      }
      if (l.copy == null) {
        exec.setOutput(0, x); // the identity permutation
        return;
      }
      l.copy.run(x, exec.output(0, x.dtype(), l.out), null);
    };
  }

  /**
   * The copy of a transpose for one input shape (the node's state between runs). Axes of size 1 are
   * dropped and input axes that stay adjacent and in order are merged before the copy is planned,
   * so a channel shuffle ({@code [1, g, c, H, W]}, perm {@code 0,2,1,3,4}) copies runs of {@code
   * H*W} elements rather than rows of {@code W}.
   */
  private static final class Layout {
    final int[] in;

    /** The output dims. */
    final int[] out;

    /** The copy over the merged axes, or null for the identity permutation. */
    final OffsetCopy.Plan copy;

    Layout(int[] in, int[] p) {
      this.in = in;
      this.out = new int[p.length];
      boolean identity = true;
      for (int i = 0; i < p.length; i++) {
        out[i] = in[p[i]];
        identity &= p[i] == i;
      }
      this.copy = identity ? null : merged(in, p);
    }

    /** The copy plan over merged axes: groups of input axes, listed in output order. */
    private static OffsetCopy.Plan merged(int[] in, int[] p) {
      List<int[]> groups = new ArrayList<>(); // {first input axis, last input axis}
      for (int a : p) {
        if (in[a] == 1) {
          continue;
        }
        int[] last = groups.isEmpty() ? null : groups.getLast();
        if (last != null && nextKept(in, last[1]) == a) {
          last[1] = a;
        } else {
          groups.add(new int[] {a, a});
        }
      }
      int r = groups.size();
      int[] st = Shapes.strides(in);
      int[] o = new int[r];
      int[][] tables = new int[r][];
      for (int i = 0; i < r; i++) {
        int[] g = groups.get(i);
        int n = 1;
        for (int a = g[0]; a <= g[1]; a++) {
          n *= in[a];
        }
        o[i] = n;
        // Merged axes are adjacent in the input, so the group steps by its last axis' stride.
        tables[i] = OffsetCopy.strided(n, 0, st[g[1]]);
      }
      return new OffsetCopy.Plan(tables, o);
    }

    /** The first input axis after {@code a} whose size is not 1, or -1. */
    private static int nextKept(int[] in, int a) {
      for (int b = a + 1; b < in.length; b++) {
        if (in[b] != 1) {
          return b;
        }
      }
      return -1;
    }
  }

  static Tensor transpose(Tensor x, int[] p, dev.ledge.ops.ExecContext exec) {
    int[] s = x.shape();
    int[] st = Shapes.strides(s);
    int[] o = new int[p.length];
    int[][] tables = new int[p.length][];
    boolean identity = true;
    for (int i = 0; i < p.length; i++) {
      o[i] = s[p[i]];
      tables[i] = OffsetCopy.strided(o[i], 0, st[p[i]]);
      identity &= p[i] == i;
    }
    if (identity) {
      return x;
    }
    Tensor y = exec.output(0, x.dtype(), o);
    OffsetCopy.run(x, tables, o, y, null);
    return y;
  }

  private static int[] permutation(long[] perm, int rank, Args.Errors err) {
    int[] p = new int[rank];
    if (perm == null) {
      for (int i = 0; i < rank; i++) {
        p[i] = rank - 1 - i;
      }
      return p;
    }
    if (perm.length != rank) {
      throw err.error(
          "attribute 'perm' "
              + Arrays.toString(perm)
              + " has "
              + perm.length
              + " entries, expected "
              + rank);
    }
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      long v = perm[i];
      if (v < 0 || v >= rank || seen[(int) v]) {
        throw err.error(
            "attribute 'perm' "
                + Arrays.toString(perm)
                + " is not a permutation of 0.."
                + (rank - 1));
      }
      seen[(int) v] = true;
      p[i] = (int) v;
    }
    return p;
  }
}
