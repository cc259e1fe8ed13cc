package dev.ledge.ops.nn;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Static-shape helpers for the nn operators' prepare steps. */
final class NnShapes {
  private NnShapes() {}

  /** Dim {@code i} of a static shape, or unknown if the shape or the dim is unknown. */
  static Dim dim(Shape s, int i) {
    return s == null || i >= s.rank() ? Dim.unknown() : s.dim(i);
  }

  /** The known size of dim {@code i}, or -1. */
  static long known(Shape s, int i) {
    return s == null || i >= s.rank() || !s.dim(i).isKnown() ? -1 : s.dim(i).value();
  }

  /**
   * The shape (batch, channels, spatial...): batch copied from {@code in} (keeping a symbol), and
   * spatial sizes from {@code spatial} (null: all unknown).
   */
  static Shape nchw(Shape in, Dim channels, int[] spatial, int spatialRank) {
    List<Dim> d = new ArrayList<>();
    d.add(dim(in, 0));
    d.add(channels);
    for (int i = 0; i < spatialRank; i++) {
      d.add(spatial == null ? Dim.unknown() : Dim.of(spatial[i]));
    }
    return new Shape(d);
  }

  /** The spatial dims (2..) of a static shape if all are known, else null. */
  static int[] spatialOrNull(Shape s) {
    if (s == null || s.rank() < 3) {
      return null;
    }
    int[] all = s.toIntsOrNull();
    if (all == null) {
      List<Dim> sp = s.dims().subList(2, s.rank());
      int[] r = new int[sp.size()];
      for (int i = 0; i < r.length; i++) {
        if (!sp.get(i).isKnown() || sp.get(i).value() > Integer.MAX_VALUE) {
          return null;
        }
        r[i] = (int) sp.get(i).value();
      }
      return r;
    }
    return Arrays.copyOfRange(all, 2, all.length);
  }

  /** A required INT attribute, with a clear error if it is missing or of another type. */
  static long requiredInt(OpContext ctx, String name) {
    if (!ctx.hasAttr(name)) {
      throw ctx.error("missing required attribute '" + name + "'");
    }
    return ctx.attrInt(name, 0);
  }

  /** A required INTS attribute, with a clear error if it is missing or of another type. */
  static long[] requiredInts(OpContext ctx, String name) {
    long[] v = ctx.attrInts(name, null);
    if (v == null) {
      throw ctx.error("missing required attribute '" + name + "'");
    }
    return v;
  }

  /** A run-time error unless {@code actual} equals {@code expected}. */
  static void requireDim(ExecContext ctx, String what, int actual, long expected) {
    if (actual != expected) {
      throw ctx.error(what + " is " + actual + ", expected " + expected);
    }
  }
}
