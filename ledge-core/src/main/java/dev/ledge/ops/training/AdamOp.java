package dev.ledge.ops.training;

import dev.ledge.ops.OpContext;

/**
 * Adam (ai.onnx.preview.training 1). Per element: {@code g = norm_coefficient * X + G; V' = alpha *
 * V + (1 - alpha) * g; H' = beta * H + (1 - beta) * g * g}; the rate is {@code R * sqrt(1 - beta^T)
 * / (1 - alpha^T)} when {@code T > 0}, else {@code R}; {@code X' = (1 - norm_coefficient_post) * (X
 * - rate * V' / (sqrt(H') + epsilon))}.
 */
final class AdamOp extends OptimizerOp {
  @Override
  int inputGroups() {
    return 4;
  }

  @Override
  Rule prepareRule(OpContext ctx) {
    double alpha = ctx.attrFloat("alpha", 0.9f);
    double beta = ctx.attrFloat("beta", 0.999f);
    double epsilon = ctx.attrFloat("epsilon", 1e-6f);
    double norm = ctx.attrFloat("norm_coefficient", 0f);
    double post = ctx.attrFloat("norm_coefficient_post", 0f);
    return (r, t, x, g, state) -> {
      double gr = norm * x + g;
      double v = alpha * state[0] + (1 - alpha) * gr;
      double h = beta * state[1] + (1 - beta) * (gr * gr);
      state[0] = v;
      state[1] = h;
      double rate = t > 0 ? r * Math.sqrt(1 - Math.pow(beta, t)) / (1 - Math.pow(alpha, t)) : r;
      double xNew = x - rate * (v / (Math.sqrt(h) + epsilon));
      return (1 - post) * xNew;
    };
  }
}
