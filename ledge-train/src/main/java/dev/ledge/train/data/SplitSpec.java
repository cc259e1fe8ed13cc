package dev.ledge.train.data;

/**
 * How to split a data set: the fraction held out for testing and the seed of the order. Applying
 * the same spec to the same data set always gives the same split (see {@link Splits#stratified}).
 *
 * @param testFraction fraction of every class held out, in (0, 1)
 * @param seed the seed of the per-class order
 */
public record SplitSpec(double testFraction, long seed) {
  public SplitSpec {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
    }
  }

  /** Splits {@code data} by this spec. */
  public Split apply(Dataset data) {
    return Splits.stratified(data, testFraction, seed);
  }
}
