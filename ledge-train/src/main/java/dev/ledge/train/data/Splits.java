package dev.ledge.train.data;

import dev.ledge.LedgeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Deterministic, class-stratified train/test splits that are easy to reproduce outside Java (the
 * PyTorch comparison script in {@code bench/} does).
 *
 * <p>Algorithm: the test set holds {@code round(size * testFraction)} samples, distributed over the
 * classes by the largest-remainder method (each class gets {@code floor(count * testFraction)},
 * then the classes with the largest fractional parts get one more, ties to the lower label). Within
 * a class, samples are ordered by {@code splitmix64(seed + index)} (the sample's index in the data
 * set, unsigned comparison, ties by index) and the first ones go to the test set. Both parts keep
 * the data set's order.
 */
public final class Splits {
  private Splits() {}

  /** A stratified split; see the class comment. */
  public static Split stratified(Dataset data, double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new LedgeException("test fraction must be in (0, 1), got " + testFraction);
    }
    int n = data.size();
    int classes = data.numClasses();
    int[] counts = data.classCounts();
    int[] quota = testQuota(counts, n, testFraction);
    List<List<Integer>> byClass = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>(counts[c]));
    }
    for (int i = 0; i < n; i++) {
      byClass.get(data.label(i)).add(i);
    }
    boolean[] isTest = new boolean[n];
    for (int c = 0; c < classes; c++) {
      List<Integer> members = byClass.get(c);
      members.sort(
          Comparator.<Integer>comparingLong(i -> splitmix64(seed + i) ^ Long.MIN_VALUE)
              .thenComparingInt(i -> i));
      for (int k = 0; k < quota[c]; k++) {
        isTest[members.get(k)] = true;
      }
    }
    int testSize = Arrays.stream(quota).sum();
    int[] train = new int[n - testSize];
    int[] test = new int[testSize];
    int a = 0;
    int b = 0;
    for (int i = 0; i < n; i++) {
      if (isTest[i]) {
        test[b++] = i;
      } else {
        train[a++] = i;
      }
    }
    return new Split(data.subset(train), data.subset(test));
  }

  /** Test samples per class by the largest-remainder method. */
  static int[] testQuota(int[] counts, int n, double fraction) {
    int total = (int) Math.round(n * fraction);
    int[] q = new int[counts.length];
    double[] rem = new double[counts.length];
    int assigned = 0;
    for (int c = 0; c < counts.length; c++) {
      double exact = counts[c] * fraction;
      q[c] = (int) Math.floor(exact);
      rem[c] = exact - q[c];
      assigned += q[c];
    }
    Integer[] order = new Integer[counts.length];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (x, y) -> rem[x] != rem[y] ? Double.compare(rem[y], rem[x]) : x - y);
    for (int k = 0; assigned < total && k < order.length; k++) {
      if (q[order[k]] < counts[order[k]]) {
        q[order[k]]++;
        assigned++;
      }
    }
    return q;
  }

  /** SplitMix64's output function of {@code x} (Steele, Lea, Flood 2014). */
  public static long splitmix64(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
