package dev.ledge.runtime;

import dev.ledge.tensor.DType;
import java.util.Arrays;

/**
 * The reusable storage arrays of one {@link Executor.Frame}: a free pool handed out greedily, best
 * fit by size, in the spirit of TensorFlow Lite Micro's greedy memory planner but at the
 * granularity of whole Java arrays (a tensor uses a prefix of its array).
 *
 * <p>Each buffer counts the value slots that refer to it (the slot it was acquired for, plus views
 * such as a Reshape's output). It returns to the pool when the count drops to zero, which the frame
 * does after the last step that reads those slots. Every buffer is free again when a run starts.
 *
 * <p>A slot asks for the buffer it had in the previous run first, so that once shapes are steady
 * every run makes the same choices and the frame can reuse its {@code Tensor} objects: nothing is
 * allocated.
 */
final class BufferArena {
  private Object[] arrays = new Object[16];
  private DType.Storage[] storage = new DType.Storage[16];

  /** Length of each array, in storage slots. */
  private int[] capacity = new int[16];

  private int[] refs = new int[16];
  private int count;

  /** Number of buffers. */
  int size() {
    return count;
  }

  Object array(int b) {
    return arrays[b];
  }

  int refs(int b) {
    return refs[b];
  }

  /** Total bytes of all buffers: the memory this frame needs at its peak. */
  long bytes() {
    long total = 0;
    for (int b = 0; b < count; b++) {
      total += (long) capacity[b] * storage[b].slotBytes();
    }
    return total;
  }

  /** The buffer whose array is {@code array}, or -1 if it is not one of ours. */
  int find(Object array) {
    for (int b = 0; b < count; b++) {
      if (arrays[b] == array) {
        return b;
      }
    }
    return -1;
  }

  /**
   * Takes a free buffer of {@code storage} with room for {@code slots}: {@code preferred} if it is
   * free and large enough, else the smallest that fits. Returns -1 if none fits; the caller then
   * allocates an array and {@link #put}s it.
   */
  int acquire(DType.Storage st, long slots, int preferred) {
    if (preferred >= 0
        && preferred < count
        && refs[preferred] == 0
        && storage[preferred] == st
        && capacity[preferred] >= slots) {
      refs[preferred] = 1;
      return preferred;
    }
    int best = -1;
    for (int b = 0; b < count; b++) {
      if (refs[b] == 0
          && storage[b] == st
          && capacity[b] >= slots
          && (best < 0 || capacity[b] < capacity[best])) {
        best = b;
      }
    }
    if (best >= 0) {
      refs[best] = 1;
    }
    return best;
  }

  /**
   * Adds a newly allocated array as an acquired buffer. It replaces the largest free buffer of the
   * same storage that is too small (that array is dropped), so that the pool grows in size rather
   * than in number; otherwise it is appended. Returns its index.
   */
  int put(DType.Storage st, Object array, int slots) {
    int grow = -1;
    for (int b = 0; b < count; b++) {
      if (refs[b] == 0
          && storage[b] == st
          && capacity[b] < slots
          && (grow < 0 || capacity[b] > capacity[grow])) {
        grow = b;
      }
    }
    int b = grow;
    if (b < 0) {
      if (count == arrays.length) {
        int n = count * 2;
        arrays = Arrays.copyOf(arrays, n);
        storage = Arrays.copyOf(storage, n);
        capacity = Arrays.copyOf(capacity, n);
        refs = Arrays.copyOf(refs, n);
      }
      b = count++;
    }
    arrays[b] = array;
    storage[b] = st;
    capacity[b] = slots;
    refs[b] = 1;
    return b;
  }

  /** One more slot refers to buffer {@code b}. */
  void retain(int b) {
    refs[b]++;
  }

  /** One slot fewer refers to buffer {@code b}; at zero it is free. */
  void release(int b) {
    refs[b]--;
  }

  /** Frees every buffer (a new run starts). */
  void releaseAll() {
    Arrays.fill(refs, 0, count, 0);
  }
}
