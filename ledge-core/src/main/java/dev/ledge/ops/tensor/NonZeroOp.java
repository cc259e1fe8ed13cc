package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * NonZero: the indices of the non-zero elements as an int64 tensor {@code [rank, count]}, in
 * row-major order (numpy.nonzero). NaN counts as non-zero. A scalar input is rejected: numpy, which
 * defines the operator, no longer accepts it.
 */
final class NonZeroOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    DType t = ctx.inputDType(0);
    if (t == DType.STRING || (t != null && t.kind() == DType.Kind.COMPLEX)) {
      throw ctx.unsupported("NonZero of " + t + " elements");
    }
    Shape in = ctx.inputShape(0);
    if (in != null && in.rank() == 0) {
      throw ctx.unsupported("NonZero of a scalar (numpy.nonzero rejects 0-d input)");
    }
    ctx.setOutput(
        0,
        DType.INT64,
        in == null ? Shape.unknownDims(2) : new Shape(List.of(Dim.of(in.rank()), Dim.unknown())));
    return exec -> {
      Tensor x = exec.input(0);
      int[] s = x.shape();
      if (s.length == 0) {
        throw exec.error("NonZero of a scalar is not defined");
      }
      int n = x.size();
      boolean[] nz = new boolean[n];
      int count = 0;
      for (int i = 0; i < n; i++) {
        nz[i] = x.dtype().isFloatingPoint() ? x.getDouble(i) != 0 : x.getLong(i) != 0;
        count += nz[i] ? 1 : 0;
      }
      Tensor y = exec.output(0, DType.INT64, new int[] {s.length, count});
      long[] out = y.longs();
      int base = y.offset();
      int[] pos = new int[s.length];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (nz[i]) {
          for (int d = 0; d < s.length; d++) {
            out[base + d * count + k] = pos[d];
          }
          k++;
        }
        for (int d = s.length - 1; d >= 0; d--) {
          if (++pos[d] < s[d]) {
            break;
          }
          pos[d] = 0;
        }
      }
    };
  }
}
