package dev.ledge.ops.tensor;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Shape: the input's dims as a 1-D int64 tensor, optionally only dims [start, end) (opset 15;
 * negative values count from the end, then both are clamped to [0, rank]). With a fully static
 * input shape the result is a constant, which lets the planner fold shape arithmetic.
 */
final class ShapeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    long start = ctx.opsetVersion() >= 15 ? ctx.attrInt("start", 0) : 0;
    Long end = ctx.opsetVersion() >= 15 && ctx.hasAttr("end") ? ctx.attrInt("end", 0) : null;
    Shape in = ctx.inputShape(0);
    int[] dims = Args.dims(in);
    if (dims != null) {
      ctx.setOutputConstant(0, shapeOf(dims, start, end));
    } else if (in != null) {
      int[] range = range(in.rank(), start, end);
      ctx.setOutput(0, DType.INT64, Shape.of(range[1] - range[0]));
    } else {
      ctx.setOutput(0, DType.INT64, Shape.unknownDims(1));
    }
    return exec -> {
      Tensor x = exec.input(0);
      Dims d = exec.kernelState() instanceof Dims k && x.hasShape(k.in()) ? k : null;
      if (d == null) {
        int[] r = range(x.rank(), start, end);
        d = new Dims(x.shape(), r[0], new int[] {r[1] - r[0]});
        exec.setKernelState(d);
      }
      Tensor y = exec.output(0, DType.INT64, d.out());
      long[] v = y.longs();
      for (int i = 0; i < d.out()[0]; i++) {
        v[y.offset() + i] = x.dim(d.from() + i);
      }
    };
  }

  /** The dims reported for one input shape: from index {@code from}, {@code out[0]} of them. */
  private record Dims(int[] in, int from, int[] out) {}

  private static Tensor shapeOf(int[] dims, long start, Long end) {
    int[] r = range(dims.length, start, end);
    long[] v = new long[r[1] - r[0]];
    for (int i = 0; i < v.length; i++) {
      v[i] = dims[r[0] + i];
    }
    return Tensor.ofLongs(v);
  }

  /** [start, end) after the opset 15 normalization and clamping; empty if start >= end. */
  private static int[] range(int rank, long start, Long end) {
    long s = start < 0 ? start + rank : start;
    long e = end == null ? rank : end < 0 ? end + rank : end;
    s = Math.max(0, Math.min(rank, s));
    e = Math.max(0, Math.min(rank, e));
    return new int[] {(int) s, (int) Math.max(s, e)};
  }
}
