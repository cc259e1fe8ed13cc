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
      int[] s = x.shape();
      int[] p = permutation(perm, s.length, exec::error);
      exec.setOutput(0, transpose(x, p, exec));
    };
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
