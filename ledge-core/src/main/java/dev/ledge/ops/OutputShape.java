package dev.ledge.ops;

import dev.ledge.tensor.Tensor;

/**
 * An output shape a kernel derived from its input's shape, kept as the node's state between runs
 * ({@link ExecContext#kernelState}) so that a steady run computes and allocates nothing, for
 * kernels that need nothing else kept.
 *
 * @param in the input shape it was derived from
 * @param out the output shape (not to be modified)
 */
public record OutputShape(int[] in, int[] out) {
  /** The output shape kept for an input of {@code x}'s shape, or null. */
  public static int[] cached(ExecContext ctx, Tensor x) {
    return ctx.kernelState() instanceof OutputShape s && x.hasShape(s.in) ? s.out : null;
  }

  /** Keeps {@code out} as the output shape for inputs of {@code x}'s shape; returns it. */
  public static int[] keep(ExecContext ctx, Tensor x, int[] out) {
    ctx.setKernelState(new OutputShape(x.shape(), out));
    return out;
  }
}
