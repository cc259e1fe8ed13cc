package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Split: cuts a tensor along {@code axis} into one piece per output. Piece lengths come from {@code
 * split}: an attribute (opsets 1-12, where opset 1 also accepts it as a second input) or an
 * optional int64 input (opset 13). Without it the pieces are equal (the length must divide), or,
 * from opset 18, {@code num_outputs} pieces of ceil(length / n) with a smaller last one.
 */
final class SplitOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    long version = ctx.opsetVersion();
    int outputs = ctx.outputCount();
    if (outputs < 1) {
      throw ctx.error("needs at least one output");
    }
    long axis = ctx.attrInt("axis", 0);
    long[] split = null;
    boolean splitInput = false;
    if (version < 13) {
      ctx.requireInputCount(1, version < 2 ? 2 : 1);
      split = ctx.attrInts("split", null);
      if (version < 2 && ctx.hasInput(1)) {
        if (split != null) {
          throw ctx.error("'split' is given both as attribute and as input");
        }
        splitInput = true;
      }
    } else {
      Args.rejectMovedAttr(ctx, "split", 13);
      ctx.requireInputCount(1, 2);
      splitInput = ctx.hasInput(1);
    }
    if (splitInput) {
      split = Args.constantLongs(ctx, 1, "input 'split'");
    }
    long numOutputs = version >= 18 ? ctx.attrInt("num_outputs", 0) : 0;
    if (version >= 18) {
      boolean hasNum = ctx.hasAttr("num_outputs");
      if (hasNum == splitInput) {
        throw ctx.error("exactly one of input 'split' and attribute 'num_outputs' must be given");
      }
      if (hasNum && numOutputs != outputs) {
        throw ctx.error(
            "attribute 'num_outputs' is "
                + numOutputs
                + " but the node has "
                + outputs
                + " outputs");
      }
    }
    boolean dynamicSplit = splitInput && split == null;
    boolean chunked = numOutputs > 0;
    Shape in = ctx.inputShape(0);
    for (int i = 0; i < outputs; i++) {
      ctx.setOutput(i, ctx.inputDType(0), null);
    }
    if (in != null) {
      int a = Args.axis(axis, in.rank(), "attribute 'axis'", ctx::error);
      Dim len = in.dim(a);
      int[] sizes = null;
      if (split != null) {
        sizes = sizes(split, outputs, len.isKnown() ? len.value() : -1, ctx::error);
      } else if (!dynamicSplit && len.isKnown()) {
        sizes = equalSizes(len.value(), outputs, chunked, ctx::error);
      }
      for (int i = 0; i < outputs; i++) {
        List<Dim> dims = new ArrayList<>(in.dims());
        dims.set(a, sizes != null ? Dim.of(sizes[i]) : Dim.unknown());
        ctx.setOutput(i, ctx.inputDType(0), new Shape(dims));
      }
    }
    long[] fixed = split;
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = x.shape();
      int a = Args.axis(axis, s.length, "attribute 'axis'", exec::error);
      long[] sp = dynamicSplit ? Args.vector(exec.input(1), "input 'split'", exec::error) : fixed;
      int[] sizes =
          sp != null
              ? sizes(sp, outputs, s[a], exec::error)
              : equalSizes(s[a], outputs, chunked, exec::error);
      int outer = 1;
      for (int d = 0; d < a; d++) {
        outer *= s[d];
      }
      int inner = 1;
      for (int d = a + 1; d < s.length; d++) {
        inner *= s[d];
      }
      int rowIn = s[a] * inner;
      int pos = 0;
      for (int i = 0; i < outputs; i++) {
        int[] o = s.clone();
        o[a] = sizes[i];
        int row = sizes[i] * inner;
        if (exec.hasOutput(i)) {
          Tensor y = exec.output(i, x.dtype(), o);
          for (int k = 0; k < outer; k++) {
            Elements.copy(x, k * rowIn + pos, y, k * row, row);
          }
        }
        pos += row;
      }
    };
  }

  private static int[] sizes(long[] split, int outputs, long length, Args.Errors err) {
    if (split.length != outputs) {
      throw err.error(
          "'split' "
              + Arrays.toString(split)
              + " has "
              + split.length
              + " entries for "
              + outputs
              + " outputs");
    }
    int[] r = new int[outputs];
    long sum = 0;
    for (int i = 0; i < outputs; i++) {
      r[i] = Args.dim(split[i], "split length " + i, err);
      sum += r[i];
    }
    if (length >= 0 && sum != length) {
      throw err.error(
          "'split' "
              + Arrays.toString(split)
              + " sums to "
              + sum
              + ", but the axis has length "
              + length);
    }
    return r;
  }

  private static int[] equalSizes(long length, int outputs, boolean chunked, Args.Errors err) {
    int[] r = new int[outputs];
    if (!chunked) {
      if (length % outputs != 0) {
        throw err.error(
            "cannot split an axis of length " + length + " into " + outputs + " equal parts");
      }
      Arrays.fill(r, (int) (length / outputs));
      return r;
    }
    long chunk = (length + outputs - 1) / outputs;
    long last = length - chunk * (outputs - 1);
    if (last < 0) {
      throw err.error(
          "cannot split an axis of length " + length + " into " + outputs + " chunks of " + chunk);
    }
    Arrays.fill(r, (int) chunk);
    r[outputs - 1] = (int) last;
    return r;
  }
}
