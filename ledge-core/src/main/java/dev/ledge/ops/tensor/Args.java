package dev.ledge.ops.tensor;

import dev.ledge.LedgeException;
import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shared argument handling: integer lists from tensors, axis normalization, static shapes. Checks
 * report through an {@link Errors} so the same code serves prepare ({@code ctx::error}) and execute
 * ({@code exec::error}).
 */
final class Args {
  private Args() {}

  /** Makes the node-naming exception for a message (OpContext.error or ExecContext.error). */
  @FunctionalInterface
  interface Errors {
    LedgeException error(String message);
  }

  /** The values of an integer tensor (any integer type) as longs. */
  static long[] longs(Tensor t, String what, Errors err) {
    if (!t.dtype().isInteger()) {
      throw err.error(what + " must be an integer tensor, got " + t.dtype());
    }
    long[] r = new long[t.size()];
    if (t.dtype() == DType.INT64) {
      System.arraycopy(t.longs(), t.offset(), r, 0, r.length);
    } else {
      for (int i = 0; i < r.length; i++) {
        r[i] = t.getLong(i);
      }
    }
    return r;
  }

  /** Checks that an index tensor holds int32 or int64 values; returns it. */
  static Tensor indices(Tensor t, Errors err) {
    if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
      throw err.error("'indices' must be int32 or int64, got " + t.dtype());
    }
    return t;
  }

  /** The values of a 1-D (or scalar) integer tensor. */
  static long[] vector(Tensor t, String what, Errors err) {
    if (t.rank() > 1) {
      throw err.error(what + " must be a 1-D tensor, got shape " + Arrays.toString(t.shape()));
    }
    return longs(t, what, err);
  }

  /** The single value of a one-element integer tensor. */
  static long scalar(Tensor t, String what, Errors err) {
    if (t.size() != 1) {
      throw err.error(
          what + " must have exactly one element, got shape " + Arrays.toString(t.shape()));
    }
    return longs(t, what, err)[0];
  }

  /** Normalizes {@code axis} into [0, rank); an error names {@code what}. */
  static int axis(long axis, int rank, String what, Errors err) {
    if (axis < -rank || axis >= rank) {
      throw err.error(
          what
              + " "
              + axis
              + " is out of range for rank "
              + rank
              + " (expected "
              + -rank
              + ".."
              + (rank - 1)
              + ")");
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  /** Normalizes a list of distinct axes into [0, rank). */
  static int[] axes(long[] axes, int rank, String what, Errors err) {
    int[] r = new int[axes.length];
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < axes.length; i++) {
      r[i] = axis(axes[i], rank, what, err);
      if (seen[r[i]]) {
        throw err.error(what + " " + Arrays.toString(axes) + " repeats axis " + r[i]);
      }
      seen[r[i]] = true;
    }
    return r;
  }

  /** A dimension value checked to fit an int (and be non-negative). */
  static int dim(long v, String what, Errors err) {
    if (v < 0 || v > Shapes.MAX_ELEMENTS) {
      throw err.error(what + " is " + v + ", expected 0.." + Shapes.MAX_ELEMENTS);
    }
    return (int) v;
  }

  /** Element count of a shape, with a clear error if it is too large. */
  static int size(int[] shape, Errors err) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > Shapes.MAX_ELEMENTS) {
        throw err.error(
            "output shape "
                + Arrays.toString(shape)
                + " has more than "
                + Shapes.MAX_ELEMENTS
                + " elements");
      }
    }
    return (int) n;
  }

  /** The dims of a static shape, or null if the shape or any dim is unknown. */
  static int[] dims(Shape s) {
    return s == null ? null : s.toIntsOrNull();
  }

  /** The rank of a static shape, or -1 if unknown. */
  static int rank(Shape s) {
    return s == null ? -1 : s.rank();
  }

  /** A static shape from dims where negative means unknown. */
  static Shape shape(int... dims) {
    return Shape.of(dims);
  }

  /** A static shape from dims where null entries mean unknown. */
  static Shape shape(List<Dim> dims) {
    return new Shape(dims);
  }

  /** The dims of {@code s} as a mutable list, or null. */
  static List<Dim> dimList(Shape s) {
    return s == null ? null : new ArrayList<>(s.dims());
  }

  /** True if a static dim is known to equal {@code v}. */
  static boolean is(Dim d, long v) {
    return d.isKnown() && d.value() == v;
  }

  /**
   * Rejects an attribute that an input replaced in this opset: silently ignoring it would change
   * the result the model's author meant.
   */
  static void rejectMovedAttr(OpContext ctx, String name, long since) {
    if (ctx.hasAttr(name)) {
      throw ctx.error(
          "attribute '"
              + name
              + "' became an input in opset "
              + since
              + " (the model imports opset "
              + ctx.opsetVersion()
              + ")");
    }
  }

  /** A constant integer input as longs, or null if the input is not a constant. */
  static long[] constantLongs(OpContext ctx, int input, String what) {
    Tensor t = ctx.constantInput(input);
    return t == null ? null : vector(t, what, ctx::error);
  }

  /** Reads the {@code to}/{@code dtype} style attribute as a dtype (an error if unknown). */
  static DType dtypeAttr(OpContext ctx, String name, long code) {
    if (code != (int) code) {
      throw ctx.error("attribute '" + name + "' is " + code + ", not an ONNX type number");
    }
    try {
      return DType.fromOnnx((int) code);
    } catch (LedgeException e) {
      throw ctx.error("attribute '" + name + "' is " + code + ": " + e.getMessage());
    }
  }
}
