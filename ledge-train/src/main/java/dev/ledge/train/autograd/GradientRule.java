package dev.ledge.train.autograd;

/**
 * The reverse-mode rule of one operator: given the gradients flowing into a node's outputs, emit
 * the nodes that compute the gradients of the inputs that need one (through {@link GradContext}). A
 * rule either sets the gradient of every input that {@link GradContext#needsGrad needs one} or
 * throws {@link GradContext#unsupported}.
 */
@FunctionalInterface
public interface GradientRule {
  void backward(GradContext ctx);
}
