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
      l.copy.run(x, exec.output(0, x.dtype(), l.copy.outShape), null);
    };
  }

  /** The copy of a transpose for one input shape (the node's state between runs). */
  private static final class Layout {
    final int[] in;

    /** The copy, or null for the identity permutation. */
    final OffsetCopy.Plan copy;

    Layout(int[] in, int[] p) {
      this.in = in;
      int[] st = Shapes.strides(in);
      int[] o = new int[p.length];
      int[][] tables = new int[p.length][];
      boolean identity = true;
      for (int i = 0; i < p.length; i++) {
        o[i] = in[p[i]];
        tables[i] = OffsetCopy.strided(o[i], 0, st[p[i]]);
        identity &= p[i] == i;
      }
      this.copy = identity ? null : new OffsetCopy.Plan(tables, o);
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
