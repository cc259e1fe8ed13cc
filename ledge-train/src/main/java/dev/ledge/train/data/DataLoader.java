package dev.ledge.train.data;

import dev.ledge.tensor.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Cuts a {@link Dataset} into mini-batches: optionally shuffled per epoch (seeded), optionally
 * dropping a last partial batch, optionally augmenting each sample.
 *
 * <p>The order of epoch {@code e} is a Fisher-Yates shuffle driven by {@code new
 * java.util.Random(splitmix64(seed) + e)}, so it depends only on the seed and the epoch: the same
 * seed gives the same batches on every JVM.
 */
public final class DataLoader {
  private final Dataset data;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;
  private final Augmentation augmentation;

  private DataLoader(Builder b) {
    this.data = b.data;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.augmentation = b.augmentation;
  }

  /** A loader over {@code data}; defaults: batch 32, no shuffling, keep the last batch. */
  public static Builder builder(Dataset data) {
    return new Builder(data);
  }

  public Dataset dataset() {
    return data;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Batches per epoch. */
  public int batchesPerEpoch() {
    int full = data.size() / batchSize;
    return dropLast || data.size() % batchSize == 0 ? full : full + 1;
  }

  /** Samples per epoch (less than the data set's size when the last batch is dropped). */
  public int samplesPerEpoch() {
    return dropLast ? data.size() / batchSize * batchSize : data.size();
  }

  /** The sample order of an epoch. */
  public int[] order(int epoch) {
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      Random rng = new Random(Splits.splitmix64(seed) + epoch);
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** The batches of one epoch (assembled lazily, one at a time). */
  public Iterable<Batch> epoch(int epoch) {
    int[] order = order(epoch);
    int count = batchesPerEpoch();
    return () ->
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < count;
          }

          @Override
          public Batch next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            int from = next * batchSize;
            int to = Math.min(order.length, from + batchSize);
            next++;
            int[] idx = java.util.Arrays.copyOfRange(order, from, to);
            return assemble(idx, epoch);
          }
        };
  }

  /** Assembles the batch of the given sample indices (augmented as in {@code epoch}). */
  public Batch assemble(int[] indices, int epoch) {
    int s = data.sampleSize();
    int[] shape = data.sampleShape();
    int[] batchShape = new int[shape.length + 1];
    batchShape[0] = indices.length;
    System.arraycopy(shape, 0, batchShape, 1, shape.length);
    float[] x = new float[Math.multiplyExact(s, indices.length)];
    long[] y = new long[indices.length];
    for (int k = 0; k < indices.length; k++) {
      data.copySample(indices[k], x, k * s);
      y[k] = data.label(indices[k]);
      if (augmentation != null) {
        long key = Splits.splitmix64(seed ^ ((long) epoch << 32)) + indices[k];
        augmentation.apply(x, k * s, shape, new Random(Splits.splitmix64(key)));
      }
    }
    return new Batch(Tensor.wrap(x, batchShape), Tensor.wrap(y, indices.length), indices);
  }

  /** Options of a {@link DataLoader}. */
  public static final class Builder {
    private final Dataset data;
    private int batchSize = 32;
    private boolean shuffle;
    private long seed;
    private boolean dropLast;
    private Augmentation augmentation;

    private Builder(Dataset data) {
      this.data = java.util.Objects.requireNonNull(data, "data");
    }

    public Builder batchSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + n);
      }
      batchSize = n;
      return this;
    }

    /** Shuffles every epoch with this seed. */
    public Builder shuffle(long seed) {
      this.shuffle = true;
      this.seed = seed;
      return this;
    }

    /** Seed of augmentation without shuffling. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder dropLast(boolean drop) {
      dropLast = drop;
      return this;
    }

    public Builder augment(Augmentation a) {
      augmentation = a;
      return this;
    }

    public DataLoader build() {
      if (batchSize > data.size() && dropLast) {
        throw new IllegalArgumentException(
            "batch size " + batchSize + " exceeds the " + data.size() + " samples (drop-last)");
      }
      return new DataLoader(this);
    }
  }
}
