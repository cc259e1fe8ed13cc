package dev.ledge.ops.training;

import dev.ledge.ops.OpContext;

/**
 * Momentum (ai.onnx.preview.training 1), standard or Nesterov. Per element: {@code g =
 * norm_coefficient * X + G}; {@code b = T > 0 ? beta : 1}; {@code V' = alpha * V + b * g}; then
 * {@code X' = X - R * V'} (standard) or {@code X' = X - R * (g + alpha * V')} (nesterov).
 */
final class MomentumOp extends OptimizerOp {
  @Override
  int inputGroups() {
    return 3;
  }

  @Override
  Rule prepareRule(OpContext ctx) {
    double alpha = requiredFloat(ctx, "alpha");
    double beta = requiredFloat(ctx, "beta");
    double norm = requiredFloat(ctx, "norm_coefficient");
    if (!ctx.hasAttr("mode")) {
      throw ctx.error("missing required attribute 'mode'");
    }
    String mode = ctx.attrString("mode", "");
    boolean nesterov =
        switch (mode) {
          case "standard" -> false;
          case "nesterov" -> true;
          default -> throw ctx.error("mode is '" + mode + "', expected 'standard' or 'nesterov'");
        };
    return (r, t, x, g, state) -> {
      double gr = norm * x + g;
      double b = t > 0 ? beta : 1;
      double v = alpha * state[0] + b * gr;
      state[0] = v;
      return nesterov ? x - r * (gr + alpha * v) : x - r * v;
    };
  }
}
