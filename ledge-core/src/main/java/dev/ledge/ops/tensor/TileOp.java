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
 * Tile: repeats the input {@code repeats[d]} times along each dim d (int64 input, one entry per
 * dim). Opset 1 instead takes a scalar {@code tiles} and an {@code axis} input.
 */
final class TileOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    boolean v1 = ctx.opsetVersion() < 6;
    ctx.requireInputCount(v1 ? 3 : 2, v1 ? 3 : 2);
    long[] repeats = v1 ? null : Args.constantLongs(ctx, 1, "input 'repeats'");
    Shape in = ctx.inputShape(0);
    Shape out = in == null ? null : Shape.unknownDims(in.rank());
    if (in != null && repeats != null) {
      check(repeats, in.rank(), ctx::error);
      List<Dim> dims = new ArrayList<>();
      for (int d = 0; d < in.rank(); d++) {
        Dim x = in.dim(d);
        dims.add(
            repeats[d] == 0
                ? Dim.of(0)
                : x.isKnown() ? Dim.of(x.value() * repeats[d]) : Dim.unknown());
      }
      out = new Shape(dims);
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = x.shape();
      long[] r;
      if (v1) {
        r = new long[s.length];
        Arrays.fill(r, 1);
        long tiles = Args.scalar(exec.input(1), "input 'tiles'", exec::error);
        int axis =
            Args.axis(
                Args.scalar(exec.input(2), "input 'axis'", exec::error),
                s.length,
                "input 'axis'",
                exec::error);
        r[axis] = tiles;
      } else {
        r = repeats != null ? repeats : Args.vector(exec.input(1), "input 'repeats'", exec::error);
      }
      check(r, s.length, exec::error);
      int[] o = new int[s.length];
      for (int d = 0; d < s.length; d++) {
        o[d] = Args.dim(s[d] * r[d], "output dim " + d, exec::error);
      }
      Args.size(o, exec::error);
      int[] st = Shapes.strides(s);
      int[][] tables = new int[s.length][];
      for (int d = 0; d < s.length; d++) {
        tables[d] = new int[o[d]];
        for (int i = 0; i < o[d]; i++) {
          tables[d][i] = (i % s[d]) * st[d];
        }
      }
      Tensor y = exec.output(0, x.dtype(), o);
      OffsetCopy.run(x, tables, o, y, null);
    };
  }

  private static void check(long[] repeats, int rank, Args.Errors err) {
    if (repeats.length != rank) {
      throw err.error(
          "'repeats' "
              + Arrays.toString(repeats)
              + " has "
              + repeats.length
              + " entries for rank "
              + rank);
    }
    for (long v : repeats) {
      if (v < 0) {
        throw err.error("'repeats' " + Arrays.toString(repeats) + " has a negative entry");
      }
    }
  }
}
