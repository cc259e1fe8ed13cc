package dev.ledge.ops;

/** An open-addressing map from long to non-negative int; {@link #get} returns -1 if absent. */
public final class LongIntMap {
  private long[] keys;
  private int[] values;
  private boolean[] used;
  private int size;

  public LongIntMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) * 2;
    keys = new long[cap];
    values = new int[cap];
    used = new boolean[cap];
  }

  /** Number of keys. */
  public int size() {
    return size;
  }

  /** The value of {@code key}, or -1. */
  public int get(long key) {
    int mask = keys.length - 1;
    for (int i = hash(key) & mask; used[i]; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return values[i];
      }
    }
    return -1;
  }

  /** Sets the value of {@code key} (replacing an earlier one). */
  public void put(long key, int value) {
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = hash(key) & mask;
    while (used[i] && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (!used[i]) {
      used[i] = true;
      keys[i] = key;
      size++;
    }
    values[i] = value;
  }

  private void grow() {
    long[] k = keys;
    int[] v = values;
    boolean[] u = used;
    keys = new long[k.length * 2];
    values = new int[k.length * 2];
    used = new boolean[k.length * 2];
    size = 0;
    for (int i = 0; i < k.length; i++) {
      if (u[i]) {
        put(k[i], v[i]);
      }
    }
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
