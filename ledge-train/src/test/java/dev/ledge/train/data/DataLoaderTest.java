package dev.ledge.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
  /** 10 samples of shape [2]: sample i is (i, -i), label i % 3. */
  static ArrayDataset tiny(int n) {
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
      y[i] = i % 3;
    }
    return new ArrayDataset(x, y, new int[] {2}, List.of("a", "b", "c"));
  }

  @Test
  void batchesCoverEverySampleOncePerEpoch() {
    DataLoader l = DataLoader.builder(tiny(10)).batchSize(4).shuffle(7).build();
    assertEquals(3, l.batchesPerEpoch());
    Set<Integer> seen = new HashSet<>();
    List<Integer> sizes = new ArrayList<>();
    for (Batch b : l.epoch(0)) {
      sizes.add(b.size());
      assertArrayEquals(new int[] {b.size(), 2}, b.features().shape());
      for (int k = 0; k < b.size(); k++) {
        int i = b.indices()[k];
        assertTrue(seen.add(i));
        assertEquals(i, b.features().floats()[2 * k]);
        assertEquals(i % 3, b.labels().longs()[k]);
      }
    }
    assertEquals(List.of(4, 4, 2), sizes);
    assertEquals(10, seen.size());
  }

  @Test
  void shuffleIsSeededAndChangesPerEpoch() {
    DataLoader a = DataLoader.builder(tiny(50)).shuffle(1).build();
    DataLoader b = DataLoader.builder(tiny(50)).shuffle(1).build();
    DataLoader c = DataLoader.builder(tiny(50)).shuffle(2).build();
    assertArrayEquals(a.order(3), b.order(3));
    assertFalse(Arrays.equals(a.order(0), a.order(1)));
    assertFalse(Arrays.equals(a.order(0), c.order(0)));
    int[] noShuffle = DataLoader.builder(tiny(5)).build().order(4);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, noShuffle);
  }

  @Test
  void dropLastSkipsThePartialBatch() {
    DataLoader l = DataLoader.builder(tiny(10)).batchSize(4).dropLast(true).build();
    assertEquals(2, l.batchesPerEpoch());
    assertEquals(8, l.samplesPerEpoch());
    int n = 0;
    for (Batch b : l.epoch(0)) {
      assertEquals(4, b.size());
      n++;
    }
    assertEquals(2, n);
  }

  @Test
  void augmentationIsReproducibleAndIndependentOfBatchSize() {
    Augmentation noise = Augmentations.gaussianNoise(0.5);
    DataLoader a = DataLoader.builder(tiny(6)).batchSize(2).seed(9).augment(noise).build();
    DataLoader b = DataLoader.builder(tiny(6)).batchSize(3).seed(9).augment(noise).build();
    float[] fa = concat(a, 2);
    float[] fb = concat(b, 2);
    assertArrayEquals(fa, fb);
    float[] other = concat(a, 3);
    assertFalse(Arrays.equals(fa, other), "a new epoch draws new noise");
    assertFalse(Arrays.equals(fa, concat(DataLoader.builder(tiny(6)).build(), 2)));
  }

  private static float[] concat(DataLoader l, int epoch) {
    float[] out = new float[l.dataset().size() * 2];
    int at = 0;
    for (Batch b : l.epoch(epoch)) {
      System.arraycopy(b.features().floats(), 0, out, at, b.features().size());
      at += b.features().size();
    }
    return out;
  }

  @Test
  void randomShiftMovesPixelsAndFillsZeros() {
    float[] img = new float[9];
    img[4] = 1; // centre of 3x3
    Augmentations.randomShift(1).apply(img, 0, new int[] {1, 3, 3}, new java.util.Random(3));
    double sum = 0;
    for (float v : img) {
      sum += v;
    }
    assertEquals(1.0, sum, 0.0, "a one-pixel shift of the centre stays inside a 3x3 image");
  }

  @Test
  void badArgumentsAreClear() {
    assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(tiny(3)).batchSize(0));
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> new ArrayDataset(new float[5], new int[2], new int[] {2}, List.of("a")));
    assertTrue(e.getMessage().contains("needs 4 floats, got 5"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () -> new ArrayDataset(new float[2], new int[] {3}, new int[] {2}, List.of("a")));
    assertTrue(e.getMessage().contains("label 3"), e.getMessage());
  }
}
