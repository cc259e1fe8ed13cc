package dev.ledge.ops.tensor;

import dev.ledge.ops.ExecContext;
import dev.ledge.tensor.Tensor;

/**
 * A view a kernel made of its input (Reshape, Squeeze, Unsqueeze, Flatten), kept as the node's
 * state between runs ({@link ExecContext#kernelState}). Once shapes are steady the runtime passes
 * the same tensor object for a value on every run, so the same view serves again and a steady run
 * allocates nothing.
 *
 * @param source the tensor the view was made of
 * @param args the values of the run-time argument input it was made with (null if none)
 * @param view the view
 */
record ViewCache(Tensor source, long[] args, Tensor view) {
  /**
   * The view kept for this node if it was made of this very tensor with equal argument values, else
   * null.
   */
  static Tensor find(ExecContext ctx, Tensor source, Tensor arg) {
    if (ctx.kernelState() instanceof ViewCache c && c.source == source && sameValues(arg, c.args)) {
      return c.view;
    }
    return null;
  }

  /** Keeps {@code view} for the next runs and returns it. */
  static Tensor keep(ExecContext ctx, Tensor source, Tensor arg, Tensor view) {
    ctx.setKernelState(new ViewCache(source, arg == null ? null : arg.toLongArray(), view));
    return view;
  }

  private static boolean sameValues(Tensor arg, long[] values) {
    if (arg == null || values == null) {
      return arg == null && values == null;
    }
    if (arg.size() != values.length) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      if (arg.getLong(i) != values[i]) {
        return false;
      }
    }
    return true;
  }
}
