package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unique (opset 11): the distinct elements of the flattened input, or the distinct slices along
 * {@code axis} (compared lexicographically in row-major order), sorted ascending ({@code sorted=1},
 * default) or in order of first occurrence. Optional outputs: the index of each first occurrence,
 * the position in Y of every input element/slice, and the counts (all int64).
 */
final class UniqueOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    Long axis = ctx.hasAttr("axis") ? ctx.attrInt("axis", 0) : null;
    boolean sorted = ctx.attrInt("sorted", 1) != 0;
    DType dtype = ctx.inputDType(0);
    if (dtype != null && !ElementOrder.orderable(dtype)) {
      throw ctx.unsupported("Unique of " + dtype + " elements");
    }
    Shape in = ctx.inputShape(0);
    Shape y = Shape.unknownDims(1);
    if (axis != null && in != null) {
      int a = Args.axis(axis, in.rank(), "attribute 'axis'", ctx::error);
      List<Dim> dims = new ArrayList<>(in.dims());
      dims.set(a, Dim.unknown());
      y = new Shape(dims);
    }
    ctx.setOutput(0, dtype, y);
    for (int i = 1; i < 4; i++) {
      ctx.setOutput(i, DType.INT64, Shape.unknownDims(1));
    }
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = axis == null ? new int[] {x.size()} : x.shape();
      int a = axis == null ? 0 : Args.axis(axis, s.length, "attribute 'axis'", exec::error);
      int items = s[a];
      int outer = 1;
      for (int d = 0; d < a; d++) {
        outer *= s[d];
      }
      int inner = 1;
      for (int d = a + 1; d < s.length; d++) {
        inner *= s[d];
      }
      ElementOrder.IndexComparator elements = ElementOrder.of(x);
      int len = items;
      int innerLen = inner;
      int outerLen = outer;
      ElementOrder.IndexComparator bySlice =
          (i, j) -> {
            for (int p = 0; p < outerLen; p++) {
              for (int q = 0; q < innerLen; q++) {
                int c =
                    elements.compare((p * len + i) * innerLen + q, (p * len + j) * innerLen + q);
                if (c != 0) {
                  return c;
                }
              }
            }
            return 0;
          };
      int[] order = new int[items];
      for (int i = 0; i < items; i++) {
        order[i] = i;
      }
      ElementOrder.stableSort(order, 0, items, bySlice);
      // Groups of equal items in sorted order; the first of each group is its first occurrence.
      int[] groupOf = new int[items];
      int[] first = new int[items];
      int[] count = new int[items];
      int groups = 0;
      for (int r = 0; r < items; r++) {
        if (r == 0 || bySlice.compare(order[r - 1], order[r]) != 0) {
          first[groups++] = order[r];
        }
        groupOf[order[r]] = groups - 1;
        count[groups - 1]++;
      }
      // Output position of each group: sorted order, or order of first occurrence.
      int[] rank = new int[groups];
      int[] byOutput = new int[groups];
      for (int g = 0; g < groups; g++) {
        byOutput[g] = g;
      }
      if (!sorted) {
        int[] firsts = Arrays.copyOf(first, groups);
        ElementOrder.stableSort(
            byOutput, 0, groups, (g, h) -> Integer.compare(firsts[g], firsts[h]));
      }
      for (int r = 0; r < groups; r++) {
        rank[byOutput[r]] = r;
      }
      int[] ys = s.clone();
      ys[a] = groups;
      Tensor yt = exec.output(0, x.dtype(), ys);
      for (int r = 0; r < groups; r++) {
        int item = first[byOutput[r]];
        for (int p = 0; p < outer; p++) {
          Elements.copy(x, (p * items + item) * inner, yt, (p * groups + r) * inner, inner);
        }
      }
      if (exec.hasOutput(1)) {
        Tensor t = exec.output(1, DType.INT64, new int[] {groups});
        for (int r = 0; r < groups; r++) {
          t.setLong(r, first[byOutput[r]]);
        }
      }
      if (exec.hasOutput(2)) {
        Tensor t = exec.output(2, DType.INT64, new int[] {items});
        for (int i = 0; i < items; i++) {
          t.setLong(i, rank[groupOf[i]]);
        }
      }
      if (exec.hasOutput(3)) {
        Tensor t = exec.output(3, DType.INT64, new int[] {groups});
        for (int r = 0; r < groups; r++) {
          t.setLong(r, count[byOutput[r]]);
        }
      }
    };
  }
}
