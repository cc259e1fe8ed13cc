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
 * Reshape: a view of the input with a new shape. The target shape is an attribute before opset 5
 * and an int64 input from opset 5. A 0 copies the input's dim at that position unless {@code
 * allowzero=1} (opset 14), where it means an empty dim; a single -1 is inferred.
 */
final class ReshapeOp implements Operator {
  @Override
  public Kernel prepare(OpContext ctx) {
    boolean fromAttr = ctx.opsetVersion() < 5;
    boolean allowZero = ctx.opsetVersion() >= 14 && ctx.attrInt("allowzero", 0) != 0;
    long[] target;
    if (fromAttr) {
      ctx.requireInputCount(1, 1);
      target = ctx.attrInts("shape", null);
      if (target == null) {
        throw ctx.error("missing required attribute 'shape'");
      }
    } else {
      Args.rejectMovedAttr(ctx, "shape", 5);
      ctx.requireInputCount(2, 2);
      target = Args.constantLongs(ctx, 1, "input 'shape'");
    }
    Shape in = ctx.inputShape(0);
    ctx.setOutput(0, ctx.inputDType(0), staticShape(ctx, in, target, allowZero));
    long[] fixed = target;
    return exec -> {
      Tensor x = exec.input(0);
      Tensor arg = fixed != null ? null : exec.input(1);
      Tensor view = ViewCache.find(exec, x, arg);
      if (view == null) {
        long[] t = fixed != null ? fixed : Args.vector(arg, "input 'shape'", exec::error);
        view =
            ViewCache.keep(exec, x, arg, x.reshape(resolve(x.shape(), t, allowZero, exec::error)));
      }
      exec.setOutput(0, view);
    };
  }

  /** The output dims for input dims {@code in} and the target shape (see the class comment). */
  static int[] resolve(int[] in, long[] target, boolean allowZero, Args.Errors err) {
    int[] out = new int[target.length];
    int inferred = -1;
    long known = 1;
    boolean zeroSeen = false;
    for (int i = 0; i < target.length; i++) {
      long v = target[i];
      if (v == -1) {
        if (inferred >= 0) {
          throw err.error("shape " + Arrays.toString(target) + " has more than one -1");
        }
        inferred = i;
        continue;
      }
      if (v < -1) {
        throw err.error("shape " + Arrays.toString(target) + " has the invalid dim " + v);
      }
      if (v == 0 && !allowZero) {
        if (i >= in.length) {
          throw err.error(
              "shape "
                  + Arrays.toString(target)
                  + " has 0 at position "
                  + i
                  + " but the input "
                  + Arrays.toString(in)
                  + " has only "
                  + in.length
                  + " dims");
        }
        out[i] = in[i];
      } else {
        out[i] = Args.dim(v, "dim " + i + " of shape " + Arrays.toString(target), err);
        zeroSeen |= v == 0;
      }
      known *= out[i];
      if (known > Shapes.MAX_ELEMENTS) {
        throw err.error("shape " + Arrays.toString(target) + " is too large");
      }
    }
    int total = Shapes.size(in);
    if (inferred >= 0) {
      if (zeroSeen) {
        throw err.error("shape " + Arrays.toString(target) + " has both -1 and 0 with allowzero=1");
      }
      if (known == 0 || total % known != 0) {
        throw err.error(
            "cannot reshape "
                + Arrays.toString(in)
                + " ("
                + total
                + " elements) to "
                + Arrays.toString(target));
      }
      out[inferred] = (int) (total / known);
    } else if (known != total) {
      throw err.error(
          "cannot reshape "
              + Arrays.toString(in)
              + " ("
              + total
              + " elements) to "
              + Arrays.toString(target)
              + " ("
              + known
              + " elements)");
    }
    return out;
  }

  private static Shape staticShape(OpContext ctx, Shape in, long[] target, boolean allowZero) {
    if (target == null) {
      return null;
    }
    int[] inDims = Args.dims(in);
    if (inDims != null) {
      return Shape.of(resolve(inDims, target, allowZero, ctx::error));
    }
    List<Dim> dims = new ArrayList<>();
    for (int i = 0; i < target.length; i++) {
      long v = target[i];
      if (v == 0 && !allowZero) {
        dims.add(in != null && i < in.rank() ? in.dim(i) : Dim.unknown());
      } else if (v >= 0) {
        dims.add(Dim.of(v));
      } else {
        dims.add(Dim.unknown());
      }
    }
    return new Shape(dims);
  }
}
