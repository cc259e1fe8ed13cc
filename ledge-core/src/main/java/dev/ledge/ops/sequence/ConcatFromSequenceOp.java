package dev.ledge.ops.sequence;

import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.kernels.AxisCopy;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * ConcatFromSequence (opset 11): concatenates the tensors along {@code axis}, or with {@code
 * new_axis=1} stacks them along a new axis (then {@code axis} may be {@code -r-1..r}).
 */
final class ConcatFromSequenceOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    ctx.requireInputCount(1, 1);
    ValueType.TensorType element = Sequences.elementType(ctx, 0);
    long axis = ctx.requireAttr("axis").asInt();
    long newAxis = ctx.attrInt("new_axis", 0);
    if (newAxis != 0 && newAxis != 1) {
      throw ctx.error("attribute new_axis is " + newAxis + ", expected 0 or 1");
    }
    boolean stack = newAxis == 1;
    Shape elementShape = element == null ? null : element.shape();
    Shape outShape = null;
    if (elementShape != null) {
      int rank = elementShape.rank() + (stack ? 1 : 0);
      checkAxis(ctx, axis, rank);
      outShape = Shape.unknownDims(rank);
    }
    ctx.setOutputType(
        0, new ValueType.TensorType(element == null ? null : element.dtype(), outShape));
    return exec -> {
      TensorSequence s = Sequences.sequence(exec, 0);
      if (s.size() == 0) {
        throw exec.error("cannot concatenate an empty sequence");
      }
      int rank = s.get(0).rank() + (stack ? 1 : 0);
      if (axis < -rank || axis >= rank || rank == 0) {
        throw exec.error(
            "axis "
                + axis
                + " is out of range for tensors of rank "
                + s.get(0).rank()
                + (stack ? " stacked along a new axis" : ""));
      }
      int a = (int) (axis < 0 ? axis + rank : axis);
      List<Tensor> parts = s.tensors();
      if (stack) {
        List<Tensor> views = new ArrayList<>(parts.size());
        for (Tensor t : parts) {
          views.add(t.reshape(AxisCopy.insertAxis(t.shape(), a, 1)));
        }
        parts = views;
      }
      int[] shape = AxisCopy.concatShape(parts, a);
      Tensor out = exec.output(0, parts.get(0).dtype(), shape);
      AxisCopy.concatInto(parts, a, out);
    };
  }

  private static void checkAxis(OpContext ctx, long axis, int rank) {
    if (rank == 0 || axis < -rank || axis >= rank) {
      throw ctx.error(
          "attribute axis is "
              + axis
              + ", expected "
              + -rank
              + ".."
              + (rank - 1)
              + " for the output rank "
              + rank);
    }
  }
}
