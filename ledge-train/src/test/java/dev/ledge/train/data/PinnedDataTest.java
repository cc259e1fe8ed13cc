package dev.ledge.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pinned data sets (skipped when not fetched, except in CI). */
class PinnedDataTest {
  @Test
  void mnistCanonicalSplitIs8000By2000AndStratified() {
    ArrayDataset all = Mnist.load(TestData.pinnedPackage("mnist"));
    assertEquals(10_000, all.size());
    assertArrayEquals(new int[] {1, 28, 28}, all.sampleShape());
    int[] perClass = all.classCounts();
    assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, perClass);
    Split s = Mnist.canonicalSplit(all);
    assertEquals(Mnist.TRAIN_SIZE, s.train().size());
    assertEquals(Mnist.TEST_SIZE, s.test().size());
    assertArrayEquals(
        new int[] {200, 225, 198, 206, 196, 173, 203, 214, 189, 196}, s.test().classCounts());
    float[] px = new float[784];
    float max = 0;
    for (int i = 0; i < 100; i++) {
      s.train().copySample(i, px, 0);
      for (float v : px) {
        assertTrue(v >= 0 && v <= 1);
        max = Math.max(max, v);
      }
    }
    assertTrue(max > 0.9f);
    // Stable across loads: the split is a function of the data and the constant only.
    Split again = Mnist.canonicalSplit(Mnist.load(TestData.pinnedPackage("mnist")));
    float[] a = new float[784];
    float[] b = new float[784];
    for (int i : new int[] {0, 999, 1999}) {
      s.test().copySample(i, a, 0);
      again.test().copySample(i, b, 0);
      assertArrayEquals(a, b);
    }
  }

  @Test
  void sklearnDataSets() {
    var dir = TestData.pinnedPackage("sklearn-datasets").resolve(SklearnData.DIR);
    ArrayDataset digits = SklearnData.digits(dir.resolve("digits.csv.gz"));
    assertEquals(1797, digits.size());
    assertArrayEquals(new int[] {1, 8, 8}, digits.sampleShape());
    assertEquals(10, digits.numClasses());
    ArrayDataset iris = SklearnData.withHeader(dir.resolve("iris.csv"));
    assertEquals(150, iris.size());
    assertEquals(List.of("setosa", "versicolor", "virginica"), iris.classNames());
    assertArrayEquals(new int[] {50, 50, 50}, iris.classCounts());
    float[] first = new float[4];
    iris.copySample(0, first, 0);
    assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, first);
    ArrayDataset wine = SklearnData.withHeader(dir.resolve("wine_data.csv"));
    assertEquals(178, wine.size());
    assertArrayEquals(new int[] {13}, wine.sampleShape());
    assertArrayEquals(new int[] {59, 71, 48}, wine.classCounts());
    Split s = Splits.stratified(wine, 0.25, 1);
    ArrayDataset std = Standardizer.fit(s.train()).apply(s.train());
    double mean = 0;
    float[] v = new float[13];
    for (int i = 0; i < std.size(); i++) {
      std.copySample(i, v, 0);
      mean += v[12];
    }
    assertEquals(0, mean / std.size(), 1e-5);
  }
}
