package dev.ledge.ops.training;

import dev.ledge.ops.OpContext;

/**
 * Adagrad (ai.onnx.preview.training 1). Per element, with {@code r = R / (1 + T * decay_factor)}:
 * {@code g = norm_coefficient * X + G; H' = H + g * g; X' = X - r * g / (sqrt(H') + epsilon)}.
 */
final class AdagradOp extends OptimizerOp {
  @Override
  int inputGroups() {
    return 3;
  }

  @Override
  Rule prepareRule(OpContext ctx) {
    double epsilon = ctx.attrFloat("epsilon", 1e-6f);
    double decay = ctx.attrFloat("decay_factor", 0f);
    double norm = ctx.attrFloat("norm_coefficient", 0f);
    return (r, t, x, g, state) -> {
      double rate = r / (1 + t * decay);
      double gr = norm * x + g;
      double h = state[0] + gr * gr;
      state[0] = h;
      return x - rate * gr / (Math.sqrt(h) + epsilon);
    };
  }
}
