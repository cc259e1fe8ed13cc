package dev.ledge.ops.control;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueType;
import dev.ledge.kernels.AxisCopy;
import dev.ledge.ops.ExecContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Static types and run-time values the control-flow operators share. */
final class ControlTypes {
  private ControlTypes() {}

  /**
   * The type with every tensor shape forgotten (dtypes kept): what a body may assume about a value
   * whose shape can change from one iteration to the next.
   */
  static ValueType eraseShapes(ValueType t) {
    return switch (t) {
      case null -> null;
      case ValueType.TensorType tt -> new ValueType.TensorType(tt.dtype(), null);
      case ValueType.SequenceType s -> new ValueType.SequenceType(eraseShapes(s.element()));
      case ValueType.OptionalType o -> new ValueType.OptionalType(eraseShapes(o.element()));
      default -> t;
    };
  }

  /**
   * A type that covers both {@code a} and {@code b}: dims they agree on are kept, others become
   * unknown. Null if either is unknown-and-the-other-too, or if they are of different kinds or
   * dtypes (the caller reports that).
   */
  static ValueType union(ValueType a, ValueType b) {
    if (a == null) {
      return eraseShapes(b);
    }
    if (b == null) {
      return eraseShapes(a);
    }
    if (a instanceof ValueType.TensorType ta && b instanceof ValueType.TensorType tb) {
      if (ta.dtype() != null && tb.dtype() != null && ta.dtype() != tb.dtype()) {
        return null;
      }
      DType dt = ta.dtype() != null ? ta.dtype() : tb.dtype();
      return new ValueType.TensorType(dt, unionShape(ta.shape(), tb.shape()));
    }
    if (a instanceof ValueType.SequenceType sa && b instanceof ValueType.SequenceType sb) {
      ValueType e = union(sa.element(), sb.element());
      return e == null ? null : new ValueType.SequenceType(e);
    }
    if (a instanceof ValueType.OptionalType oa && b instanceof ValueType.OptionalType ob) {
      ValueType e = union(oa.element(), ob.element());
      return e == null ? null : new ValueType.OptionalType(e);
    }
    return a.equals(b) ? a : null;
  }

  private static Shape unionShape(Shape a, Shape b) {
    if (a == null || b == null || a.rank() != b.rank()) {
      return null;
    }
    List<Dim> dims = new ArrayList<>(a.rank());
    for (int i = 0; i < a.rank(); i++) {
      Dim da = a.dim(i);
      Dim db = b.dim(i);
      dims.add(da.equals(db) && (da.isKnown() || da.symbol() != null) ? da : Dim.unknown());
    }
    return new Shape(dims);
  }

  /** A shape with {@code dim} inserted at {@code axis}; null if {@code s} is null. */
  static Shape insertDim(Shape s, int axis, Dim dim) {
    if (s == null || axis < 0 || axis > s.rank()) {
      return null;
    }
    List<Dim> dims = new ArrayList<>(s.dims());
    dims.add(axis, dim);
    return new Shape(dims);
  }

  /** A shape without dim {@code axis}; null if {@code s} is null or too short. */
  static Shape removeDim(Shape s, int axis) {
    if (s == null || axis < 0 || axis >= s.rank()) {
      return null;
    }
    List<Dim> dims = new ArrayList<>(s.dims());
    dims.remove(axis);
    return new Shape(dims);
  }

  /** The single element of a one-element tensor input, as a long; a clear error otherwise. */
  static long scalarLong(ExecContext ctx, Tensor t, String what) {
    if (t.size() != 1) {
      throw ctx.error(what + " has shape " + Arrays.toString(t.shape()) + ", expected one element");
    }
    return t.getLong(0);
  }

  /** The single element of a one-element bool tensor. */
  static boolean scalarBool(ExecContext ctx, Object v, String what) {
    if (!(v instanceof Tensor t)) {
      throw ctx.error(what + " is " + v + ", expected a bool tensor");
    }
    if (t.size() != 1) {
      throw ctx.error(what + " has shape " + Arrays.toString(t.shape()) + ", expected one element");
    }
    return t.getBoolean(0);
  }

  /** A fresh bool scalar. */
  static Tensor bool(boolean v) {
    Tensor t = Tensor.allocate(DType.BOOL, new int[0]);
    t.setBoolean(0, v);
    return t;
  }

  /**
   * The per-iteration tensors of a scan output stacked along {@code axis}; when there were no
   * iterations, an empty tensor whose other dims come from the body's static output type (unknown
   * dims count as 0, an unknown rank gives shape {@code [0]}).
   */
  static Tensor stackOrEmpty(
      ExecContext ctx, List<Tensor> items, int axis, ValueType staticType, String what) {
    if (!items.isEmpty()) {
      Tensor first = items.get(0);
      for (int i = 1; i < items.size(); i++) {
        Tensor t = items.get(i);
        if (t.dtype() != first.dtype() || !Arrays.equals(t.shape(), first.shape())) {
          throw ctx.error(
              what
                  + ": iteration "
                  + i
                  + " produced "
                  + t.dtype()
                  + Arrays.toString(t.shape())
                  + ", iteration 0 produced "
                  + first.dtype()
                  + Arrays.toString(first.shape())
                  + "; every iteration must produce the same type and shape");
        }
      }
      return AxisCopy.stack(items, axis);
    }
    if (!(staticType instanceof ValueType.TensorType tt) || tt.dtype() == null) {
      throw ctx.error(what + " is empty and its element type is unknown");
    }
    int[] elem = new int[0];
    if (tt.shape() != null) {
      elem = new int[tt.shape().rank()];
      for (int i = 0; i < elem.length; i++) {
        Dim d = tt.shape().dim(i);
        elem[i] = d.isKnown() ? (int) d.value() : 0;
      }
    } else {
      axis = 0;
    }
    return Tensor.allocate(tt.dtype(), AxisCopy.insertAxis(elem, Math.min(axis, elem.length), 0));
  }
}
