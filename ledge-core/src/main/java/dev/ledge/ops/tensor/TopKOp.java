package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * TopK: the k largest (or, with {@code largest=0}, smallest; opset 11) elements along {@code axis}
 * (default -1) and their int64 indices, best first; equal elements keep the lower index first. k is
 * an attribute in opset 1 and a one-element int64 input from opset 10. Results are always sorted
 * (with {@code sorted=0} the order is unspecified, so sorted order is valid). NaN counts as the
 * largest value.
 */
final class TopKOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    long version = ctx.opsetVersion();
    Long fixedK;
    if (version < 10) {
      ctx.requireInputCount(1, 1);
      fixedK = ctx.requireAttr("k").asInt();
    } else {
      Args.rejectMovedAttr(ctx, "k", 10);
      ctx.requireInputCount(2, 2);
      ctx.requireInputType(1, DType.INT64);
      Tensor kc = ctx.constantInput(1);
      fixedK = kc == null ? null : Args.scalar(kc, "input 'K'", ctx::error);
    }
    boolean largest = version < 11 || ctx.attrInt("largest", 1) != 0;
    long axis = ctx.attrInt("axis", -1);
    DType dtype = ctx.inputDType(0);
    if (dtype != null && (!ElementOrder.orderable(dtype) || dtype == DType.STRING)) {
      throw ctx.unsupported("TopK of " + dtype + " elements");
    }
    Shape in = ctx.inputShape(0);
    Shape out = null;
    if (in != null) {
      int a = Args.axis(axis, in.rank(), "attribute 'axis'", ctx::error);
      List<Dim> dims = new ArrayList<>(in.dims());
      if (fixedK != null) {
        Dim len = in.dim(a);
        if (fixedK < 0 || (len.isKnown() && fixedK > len.value())) {
          throw ctx.error(
              "k is "
                  + fixedK
                  + ", expected 0.."
                  + (len.isKnown() ? len.value() : "the axis length"));
        }
        dims.set(a, Dim.of(fixedK));
      } else {
        dims.set(a, Dim.unknown());
      }
      out = new Shape(dims);
    }
    ctx.setOutput(0, dtype, out);
    ctx.setOutput(1, DType.INT64, out);
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = x.shape();
      if (s.length == 0) {
        throw exec.error("input must have rank >= 1");
      }
      int a = Args.axis(axis, s.length, "attribute 'axis'", exec::error);
      long kv = fixedK != null ? fixedK : Args.scalar(exec.input(1), "input 'K'", exec::error);
      int dim = s[a];
      if (kv < 0 || kv > dim) {
        throw exec.error("k is " + kv + ", expected 0.." + dim + " (the length of axis " + a + ")");
      }
      int k = (int) kv;
      int[] o = s.clone();
      o[a] = k;
      Tensor values = exec.output(0, x.dtype(), o);
      Tensor indices = exec.output(1, DType.INT64, o);
      long[] ind = indices.longs();
      int io = indices.offset();
      int outer = 1;
      for (int d = 0; d < a; d++) {
        outer *= s[d];
      }
      int inner = 1;
      for (int d = a + 1; d < s.length; d++) {
        inner *= s[d];
      }
      ElementOrder.IndexComparator byValue = ElementOrder.of(x);
      ElementOrder.IndexComparator order = largest ? (i, j) -> byValue.compare(j, i) : byValue;
      int[] slice = new int[dim];
      for (int p = 0; p < outer; p++) {
        for (int q = 0; q < inner; q++) {
          int base = p * dim * inner + q;
          for (int i = 0; i < dim; i++) {
            slice[i] = base + i * inner;
          }
          ElementOrder.stableSort(slice, 0, dim, order);
          int outBase = p * k * inner + q;
          for (int i = 0; i < k; i++) {
            Elements.copyOne(x, slice[i], values, outBase + i * inner);
            ind[io + outBase + i * inner] = (slice[i] - base) / inner;
          }
        }
      }
    };
  }
}
