package dev.ledge.ops.math;

import dev.ledge.ops.ExecContext;
import dev.ledge.tensor.Tensor;

/**
 * What a two-operand elementwise kernel derives from its input shapes: the output shape and the
 * walk over broadcast runs. Kept as the kernel's state between runs ({@link
 * ExecContext#kernelState}) and rebuilt only when an input shape changes, so steady runs allocate
 * nothing.
 */
final class BinaryBroadcast {
  /** Input shapes this was made for. */
  private final int[] a;

  private final int[] b;

  /** The output shape (not to be modified). */
  final int[] out;

  final BroadcastRuns.Walk walk;

  /**
   * @param a input A's shape
   * @param b input B's shape
   * @param out the output shape
   * @param alignedA A's shape as the walk reads it (as {@code a} except under legacy broadcasting)
   * @param alignedB B's shape as the walk reads it
   */
  private BinaryBroadcast(int[] a, int[] b, int[] out, int[] alignedA, int[] alignedB) {
    this.a = a;
    this.b = b;
    this.out = out;
    this.walk = new BroadcastRuns.Walk(out, alignedA, alignedB);
  }

  /** The kernel's state if it was made for these inputs' shapes, else null. */
  static BinaryBroadcast cached(ExecContext ctx, Tensor a, Tensor b) {
    return ctx.kernelState() instanceof BinaryBroadcast p && a.hasShape(p.a) && b.hasShape(p.b)
        ? p
        : null;
  }

  /** Makes and keeps the state for inputs of these shapes. */
  static BinaryBroadcast keep(
      ExecContext ctx, Tensor a, Tensor b, int[] out, int[] alignedA, int[] alignedB) {
    BinaryBroadcast p = new BinaryBroadcast(a.shape(), b.shape(), out, alignedA, alignedB);
    ctx.setKernelState(p);
    return p;
  }

  /** The state for numpy broadcasting of a and b: cached, or made now. */
  static BinaryBroadcast numpy(ExecContext ctx, Tensor a, Tensor b) {
    BinaryBroadcast p = cached(ctx, a, b);
    if (p != null) {
      return p;
    }
    int[] out = ElementTypes.broadcast(ctx, a, b);
    return keep(ctx, a, b, out, a.shape(), b.shape());
  }
}
