package dev.ledge.ops;

/**
 * An ONNX operator (or a family of related ones). {@link #prepare} runs once per plan: it validates
 * the node's attributes, input types and (static) shapes, declares output types, does any work that
 * does not depend on run-time data, and returns the {@link Kernel} that computes the node. A {@link
 * Kernel} only computes.
 */
@FunctionalInterface
public interface Operator {
  /**
   * Validates the node described by {@code ctx} and returns its kernel.
   *
   * @throws dev.ledge.LedgeException (usually via {@link OpContext#error}) for anything invalid or
   *     unsupported, naming the node and the expected versus actual value
   */
  Kernel prepare(OpContext ctx);
}
