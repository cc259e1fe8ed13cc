package dev.ledge.ops.tensor;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GatherND: each innermost row of {@code indices} (int64, length m) addresses a slice of {@code
 * data} after the first {@code batch_dims} (opset 12) dims, which indices and data share. Output
 * shape: indices.shape[:-1] + data.shape[batch_dims + m:].
 */
final class GatherNDOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(2, 2);
    ctx.requireInputType(1, DType.INT64, DType.INT32);
    int b = (int) Math.max(Math.min(ctx.attrInt("batch_dims", 0), Integer.MAX_VALUE), -1);
    if (b < 0) {
      throw ctx.error("attribute 'batch_dims' must be >= 0");
    }
    Shape data = ctx.inputShape(0);
    Shape ind = ctx.inputShape(1);
    Shape out = null;
    if (data != null && ind != null && ind.rank() >= 1 && ind.dim(ind.rank() - 1).isKnown()) {
      int m = (int) ind.dim(ind.rank() - 1).value();
      check(data.rank(), ind.rank(), m, b, ctx::error);
      List<Dim> dims = new ArrayList<>(ind.dims().subList(0, ind.rank() - 1));
      dims.addAll(data.dims().subList(b + m, data.rank()));
      out = new Shape(dims);
    }
    ctx.setOutput(0, ctx.inputDType(0), out);
    return exec -> {
      Tensor x = exec.input(0);
      Tensor idx = Args.indices(exec.input(1), exec::error);
      int[] s = x.shape();
      int[] is = idx.shape();
      if (is.length == 0) {
        throw exec.error("'indices' must have rank >= 1");
      }
      int m = is[is.length - 1];
      check(s.length, is.length, m, b, exec::error);
      for (int d = 0; d < b; d++) {
        if (s[d] != is[d]) {
          throw exec.error(
              "batch dim "
                  + d
                  + " differs: 'data' "
                  + Arrays.toString(s)
                  + ", 'indices' "
                  + Arrays.toString(is));
        }
      }
      int[] o = new int[is.length - 1 + s.length - b - m];
      System.arraycopy(is, 0, o, 0, is.length - 1);
      System.arraycopy(s, b + m, o, is.length - 1, s.length - b - m);
      Args.size(o, exec::error);
      int[] st = Shapes.strides(s);
      int block = 1;
      for (int d = b + m; d < s.length; d++) {
        block *= s[d];
      }
      int batches = 1;
      for (int d = 0; d < b; d++) {
        batches *= s[d];
      }
      int batchStride = b == 0 ? 0 : st[b - 1];
      int tuples = idx.size() / m;
      int perBatch = batches == 0 ? 0 : tuples / batches;
      Tensor y = exec.output(0, x.dtype(), o);
      for (int t = 0; t < tuples; t++) {
        int off = (perBatch == 0 ? 0 : t / perBatch) * batchStride;
        for (int k = 0; k < m; k++) {
          off +=
              GatherOp.index(idx.getLong(t * m + k), s[b + k], t * m + k, exec::error) * st[b + k];
        }
        Elements.copy(x, off, y, t * block, block);
      }
    };
  }

  private static void check(int r, int q, int m, int b, Args.Errors err) {
    if (r < 1 || q < 1) {
      throw err.error("'data' and 'indices' must have rank >= 1");
    }
    if (b >= Math.min(r, q)) {
      throw err.error(
          "'batch_dims' "
              + b
              + " must be less than the ranks of 'data' ("
              + r
              + ") and 'indices' ("
              + q
              + ")");
    }
    if (m < 1 || m > r - b) {
      throw err.error("the last dim of 'indices' is " + m + ", expected 1.." + (r - b));
    }
  }
}
