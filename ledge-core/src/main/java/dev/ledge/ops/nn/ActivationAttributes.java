package dev.ledge.ops.nn;

import dev.ledge.ops.OpContext;
import dev.ledge.ops.math.FusedActivation;

/**
 * Reads the epilogue activation of Ledge's fused operators (FusedConv, FusedGemm): the {@code
 * activation} name and its {@code activation_params}, as {@link FusedActivation} defines them.
 */
final class ActivationAttributes {
  private ActivationAttributes() {}

  /** The node's activation, or null if it has none. */
  static FusedActivation parse(OpContext ctx) {
    String name = ctx.attrString("activation", "");
    if (name.isEmpty()) {
      return null;
    }
    if (!FusedActivation.NAMES.contains(name)) {
      throw ctx.unsupported("fused activation '" + name + "'");
    }
    try {
      return FusedActivation.of(name, ctx.attrFloats("activation_params", new float[0]));
    } catch (IllegalArgumentException e) {
      throw ctx.error(e.getMessage());
    }
  }
}
