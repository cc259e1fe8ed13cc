package dev.ledge.ops.math;

import dev.ledge.ops.ExecContext;
import dev.ledge.ops.OpContext;
import java.util.Arrays;

/**
 * Broadcasting of the binary operators before opset 7 (Add-1/6, Sub, Mul, Div, Pow-1, And-1, Or-1,
 * Xor-1, Equal-1, Greater-1, Less-1): with {@code broadcast=0} the shapes must be equal; with
 * {@code broadcast=1} B is broadcast to A's shape, its dims aligned with A's starting at {@code
 * axis} (default: B's trailing dims align with A's trailing dims). The output has A's shape.
 */
final class LegacyBroadcast {
  private final boolean enabled;
  private final Long axis;

  private LegacyBroadcast(boolean enabled, Long axis) {
    this.enabled = enabled;
    this.axis = axis;
  }

  /** The node's legacy broadcasting, or null if the opset uses numpy broadcasting. */
  static LegacyBroadcast forNode(OpContext ctx) {
    if (ctx.opsetVersion() >= 7) {
      return null;
    }
    long b = ctx.attrInt("broadcast", 0);
    if (b != 0 && b != 1) {
      throw ctx.error("attribute 'broadcast' must be 0 or 1, got " + b);
    }
    Long axis = ctx.hasAttr("axis") ? ctx.attrInt("axis", 0) : null;
    return new LegacyBroadcast(b == 1, axis);
  }

  /**
   * B's shape as a shape of A's rank that broadcasts to A (1 on the dims B does not cover); an
   * error if B does not fit A under the node's rules.
   */
  int[] alignB(ExecContext ctx, int[] a, int[] b) {
    if (!enabled) {
      if (!Arrays.equals(a, b)) {
        throw ctx.error(
            "shapes "
                + Arrays.toString(a)
                + " and "
                + Arrays.toString(b)
                + " differ and attribute 'broadcast' is 0");
      }
      return b;
    }
    if (b.length > a.length) {
      throw ctx.error(
          "cannot broadcast B of shape "
              + Arrays.toString(b)
              + " to A of shape "
              + Arrays.toString(a)
              + ": B has the higher rank");
    }
    long start = axis == null ? a.length - b.length : axis < 0 ? axis + a.length : axis;
    if (start < 0 || start + b.length > a.length) {
      throw ctx.error(
          "axis "
              + axis
              + " does not place B of shape "
              + Arrays.toString(b)
              + " inside A of shape "
              + Arrays.toString(a));
    }
    int[] r = new int[a.length];
    Arrays.fill(r, 1);
    for (int i = 0; i < b.length; i++) {
      int d = (int) start + i;
      if (b[i] != a[d] && b[i] != 1) {
        throw ctx.error(
            "cannot broadcast B of shape "
                + Arrays.toString(b)
                + " to A of shape "
                + Arrays.toString(a)
                + " at axis "
                + start);
      }
      r[d] = b[i];
    }
    return r;
  }
}
