package dev.ledge.ops.random;

import dev.ledge.ops.OpContext;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Random number generators for the random operators.
 *
 * <p>With a {@code seed} attribute, every execution starts a fresh L64X128MixRandom generator (an
 * algorithm the JDK specifies exactly) from that seed, so a node gives the same values on every
 * run, in every session and on every JVM; kernels keep no state between runs. Without a seed, every
 * execution draws a new seed from the JDK's default seeding (different values each run).
 */
final class Seeds {
  private static final RandomGeneratorFactory<RandomGenerator> FACTORY =
      RandomGeneratorFactory.of("L64X128MixRandom");

  private Seeds() {}

  /** The node's seed as generator seed bits, or null if it has none (or a NaN seed). */
  static Long seed(OpContext ctx) {
    if (!ctx.hasAttr("seed")) {
      return null;
    }
    float s = ctx.attrFloat("seed", 0f);
    if (Float.isNaN(s)) {
      return null;
    }
    // The float's bits: distinct seeds (also 0.5 and 0.7) give distinct streams.
    return (long) Float.floatToIntBits(s == 0f ? 0f : s);
  }

  /** A generator for one execution. */
  static RandomGenerator generator(Long seed) {
    return seed == null ? FACTORY.create() : FACTORY.create(seed);
  }
}
