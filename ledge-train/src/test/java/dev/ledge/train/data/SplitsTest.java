package dev.ledge.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {
  @Test
  void stratifiedSplitKeepsClassProportionsAndIsDeterministic() {
    int n = 103;
    float[] x = new float[n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      y[i] = i < 50 ? 0 : i < 90 ? 1 : 2; // 50, 40, 13
    }
    ArrayDataset d = new ArrayDataset(x, y, new int[] {1}, List.of("a", "b", "c"));
    Split s = Splits.stratified(d, 0.2, 42);
    assertEquals(21, s.test().size()); // round(20.6)
    assertEquals(82, s.train().size());
    // floors 10, 8, 2 (= 20); the largest remainder (class 2: .6) gets the 21st
    assertArrayEquals(new int[] {10, 8, 3}, s.test().classCounts());
    Set<Float> all = new HashSet<>();
    float[] buf = new float[1];
    for (Dataset part : List.of(s.train(), s.test())) {
      for (int i = 0; i < part.size(); i++) {
        part.copySample(i, buf, 0);
        assertTrue(all.add(buf[0]), "no sample in both parts");
      }
    }
    assertEquals(n, all.size());
    Split again = Splits.stratified(d, 0.2, 42);
    Split other = Splits.stratified(d, 0.2, 43);
    assertEquals(firstIds(s.test()), firstIds(again.test()));
    assertTrue(!firstIds(s.test()).equals(firstIds(other.test())));
  }

  private static List<Float> firstIds(Dataset d) {
    float[] buf = new float[1];
    java.util.ArrayList<Float> r = new java.util.ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      d.copySample(i, buf, 0);
      r.add(buf[0]);
    }
    return r;
  }

  @Test
  void splitmixMatchesReferenceValues() {
    // First outputs of the SplitMix64 reference generator seeded with 0 (state += golden gamma).
    assertEquals(0xE220A8397B1DCDAFL, Splits.splitmix64(0));
    assertEquals(0x6E789E6AA1B965F4L, Splits.splitmix64(0x9E3779B97F4A7C15L));
  }
}
