package dev.ledge.ops.random;

import dev.ledge.ops.OperatorFamily;
import dev.ledge.ops.OperatorRegistry;

/**
 * Random generators: RandomUniform, RandomNormal, their {@code *Like} forms, Bernoulli and
 * Multinomial. See {@link Seeds} for how seeds make them deterministic.
 */
public final class RandomOperators implements OperatorFamily {
  @Override
  public void register(OperatorRegistry r) {
    r.register("RandomUniform", new RandomFillOp(RandomFillOp.Distribution.UNIFORM, false));
    r.register("RandomNormal", new RandomFillOp(RandomFillOp.Distribution.NORMAL, false));
    r.register("RandomUniformLike", new RandomFillOp(RandomFillOp.Distribution.UNIFORM, true));
    r.register("RandomNormalLike", new RandomFillOp(RandomFillOp.Distribution.NORMAL, true));
    r.register("Bernoulli", new BernoulliOp());
    r.register("Multinomial", new MultinomialOp());
  }
}
