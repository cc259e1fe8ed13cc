package dev.ledge.ops.sequence;

import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.kernels.AxisCopy;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SplitToSequence (opset 11): splits a tensor along {@code axis} into a sequence. Without {@code
 * split}: pieces of size 1 (squeezed when {@code keepdims=0}); a scalar {@code split}: pieces of
 * that size, the last one smaller if needed; a 1-D {@code split}: those sizes.
 */
final class SplitToSequenceOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 2);
    if (ctx.inputType(0) != null && !(ctx.inputType(0) instanceof ValueType.TensorType)) {
      throw ctx.error("input is " + ctx.inputType(0) + ", expected a tensor");
    }
    DType dtype = ctx.inputDType(0);
    if (ctx.hasInput(1)) {
      ctx.requireInputType(1, DType.INT32, DType.INT64);
    }
    long axis = ctx.attrInt("axis", 0);
    long keepdims = ctx.attrInt("keepdims", 1);
    if (keepdims != 0 && keepdims != 1) {
      throw ctx.error("attribute keepdims is " + keepdims + ", expected 0 or 1");
    }
    Shape in = ctx.inputShape(0);
    if (in != null && (axis < -in.rank() || axis >= in.rank())) {
      throw ctx.error("attribute axis is " + axis + ", out of range for input rank " + in.rank());
    }
    boolean squeeze = keepdims == 0 && !ctx.hasInput(1);
    Shape elementShape = null;
    if (in != null) {
      elementShape = Shape.unknownDims(in.rank() - (squeeze ? 1 : 0));
    }
    ctx.setOutputType(0, new ValueType.SequenceType(new ValueType.TensorType(dtype, elementShape)));
    return exec -> {
      Tensor x = exec.input(0);
      int rank = x.rank();
      if (axis < -rank || axis >= rank) {
        throw exec.error("axis " + axis + " is out of range for input rank " + rank);
      }
      int a = (int) (axis < 0 ? axis + rank : axis);
      int dim = x.dim(a);
      int[] sizes = sizes(exec, exec.input(1), dim);
      List<Tensor> parts = AxisCopy.split(x, a, sizes);
      if (squeeze) {
        List<Tensor> squeezed = new ArrayList<>(parts.size());
        for (Tensor p : parts) {
          squeezed.add(p.reshape(AxisCopy.removeAxis(p.shape(), a)));
        }
        parts = squeezed;
      }
      exec.setOutput(0, new TensorSequence(x.dtype(), parts));
    };
  }

  private static int[] sizes(dev.ledge.ops.ExecContext exec, Tensor split, int dim) {
    if (split == null) {
      int[] ones = new int[dim];
      Arrays.fill(ones, 1);
      return ones;
    }
    if (split.rank() == 0) {
      long size = split.getLong(0);
      if (size <= 0) {
        throw exec.error("split is " + size + ", expected a positive piece size");
      }
      int n = (int) ((dim + size - 1) / size);
      int[] sizes = new int[n];
      for (int i = 0; i < n; i++) {
        sizes[i] = (int) Math.min(size, dim - i * size);
      }
      return sizes;
    }
    if (split.rank() != 1) {
      throw exec.error(
          "split has shape " + Arrays.toString(split.shape()) + ", expected a scalar or 1-D");
    }
    int[] sizes = new int[split.size()];
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      long v = split.getLong(i);
      if (v < 0) {
        throw exec.error("split[" + i + "] is " + v + ", expected a size >= 0");
      }
      total += v;
      if (total > dim) {
        break;
      }
      sizes[i] = (int) v;
    }
    if (total != dim) {
      throw exec.error(
          "split sizes "
              + Arrays.toString(split.toLongArray())
              + " do not add up to the axis"
              + " length "
              + dim);
    }
    return sizes;
  }
}
