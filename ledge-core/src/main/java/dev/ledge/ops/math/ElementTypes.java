package dev.ledge.ops.math;

import dev.ledge.graph.Shape;
import dev.ledge.ops.Broadcast;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpContext;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Element type groups of the math operators and the checks shared by their {@code prepare}. */
final class ElementTypes {
  private ElementTypes() {}

  static final Set<DType> FLOATS =
      Collections.unmodifiableSet(
          EnumSet.of(DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64));
  static final Set<DType> SIGNED_INTS =
      Collections.unmodifiableSet(EnumSet.of(DType.INT8, DType.INT16, DType.INT32, DType.INT64));
  static final Set<DType> UNSIGNED_INTS =
      Collections.unmodifiableSet(
          EnumSet.of(DType.UINT8, DType.UINT16, DType.UINT32, DType.UINT64));
  static final Set<DType> INTS = union(SIGNED_INTS, UNSIGNED_INTS);
  static final Set<DType> NUMERIC = union(FLOATS, INTS);
  static final Set<DType> BOOL = Collections.unmodifiableSet(EnumSet.of(DType.BOOL));

  /** The union of type groups. */
  @SafeVarargs
  static Set<DType> union(Set<DType>... sets) {
    EnumSet<DType> r = EnumSet.noneOf(DType.class);
    for (Set<DType> s : sets) {
      r.addAll(s);
    }
    return Collections.unmodifiableSet(r);
  }

  /**
   * Checks that input {@code i} is given and, if its type is known, in {@code allowed}. Returns the
   * type (null if unknown).
   */
  static DType require(OpContext ctx, int i, Set<DType> allowed) {
    if (!ctx.hasInput(i)) {
      throw ctx.error("input " + i + " is required");
    }
    DType t = ctx.inputDType(i);
    if (t != null && !allowed.contains(t)) {
      throw ctx.error(
          "input "
              + i
              + " ('"
              + ctx.node().input(i)
              + "') has element type "
              + t
              + ", expected one of "
              + allowed);
    }
    return t;
  }

  /** Checks that the given inputs have one element type from {@code allowed}; returns it. */
  static DType requireSame(OpContext ctx, Set<DType> allowed, int... inputs) {
    DType common = null;
    int from = -1;
    for (int i : inputs) {
      DType t = require(ctx, i, allowed);
      if (t == null) {
        continue;
      }
      if (common != null && t != common) {
        throw ctx.error(
            "inputs "
                + from
                + " and "
                + i
                + " must have the same element type, got "
                + common
                + " and "
                + t);
      }
      common = t;
      from = i;
    }
    return common;
  }

  /**
   * The static broadcast of the given inputs' shapes (null if some rank is unknown); an error if
   * the known dims cannot broadcast.
   */
  static Shape broadcastShape(OpContext ctx, int... inputs) {
    Shape[] shapes = new Shape[inputs.length];
    boolean allKnown = true;
    for (int k = 0; k < inputs.length; k++) {
      shapes[k] = ctx.inputShape(inputs[k]);
      allKnown &= shapes[k] != null;
    }
    Shape r = Broadcast.staticShape(shapes);
    if (r == null && allKnown) {
      throw ctx.error("input shapes " + Arrays.toString(shapes) + " cannot be broadcast together");
    }
    return r;
  }

  /** The run-time broadcast of tensor shapes; a clear error naming them if impossible. */
  static int[] broadcast(ExecContext ctx, Tensor... ts) {
    int[] r = new int[0];
    for (Tensor t : ts) {
      r = Shapes.broadcastOrNull(r, t.shape());
      if (r == null) {
        StringBuilder sb = new StringBuilder("input shapes");
        for (Tensor x : ts) {
          sb.append(' ').append(Arrays.toString(x.shape()));
        }
        throw ctx.error(sb.append(" cannot be broadcast together").toString());
      }
    }
    return r;
  }

  /** Checks at run time that {@code x} has element type {@code t} (when prepare could not). */
  static void requireRuntimeType(ExecContext ctx, DType t, Tensor x) {
    if (x.dtype() != t) {
      throw ctx.error("inputs have different element types: " + t + " and " + x.dtype());
    }
  }

  /** Checks at run time that every tensor has element type {@code t} (when prepare could not). */
  static void requireRuntimeType(ExecContext ctx, DType t, Tensor... ts) {
    for (Tensor x : ts) {
      if (x.dtype() != t) {
        throw ctx.error("inputs have different element types: " + t + " and " + x.dtype());
      }
    }
  }
}
