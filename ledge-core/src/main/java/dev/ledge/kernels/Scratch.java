package dev.ledge.kernels;

/**
 * Per-thread scratch arrays that kernels reuse across calls (im2col matrices, packing buffers), so
 * steady-state runs do not allocate. A buffer grows to the largest size asked for and stays.
 * Contents are unspecified on return. Each {@link Slot} is one buffer per thread: a kernel that
 * needs two buffers at once uses two slots; nested kernels must not share a slot.
 */
public final class Scratch {
  /** Independent buffers of one thread. */
  public enum Slot {
    /** im2col / col2im matrices of convolutions. */
    COLUMNS,
    /** A second matrix (e.g. transposed or converted operands). */
    SECOND,
    /** Small per-row temporaries. */
    ROW
  }

  private static final ThreadLocal<float[][]> FLOATS =
      ThreadLocal.withInitial(() -> new float[Slot.values().length][]);

  private static final ThreadLocal<int[][]> INTS =
      ThreadLocal.withInitial(() -> new int[Slot.values().length][]);

  private Scratch() {}

  /** An int array of at least {@code n} elements for this thread and slot. */
  public static int[] ints(Slot slot, int n) {
    int[][] all = INTS.get();
    int[] a = all[slot.ordinal()];
    if (a == null || a.length < n) {
      a = new int[Math.max(n, a == null ? 0 : a.length + a.length / 2)];
      all[slot.ordinal()] = a;
    }
    return a;
  }

  /** A float array of at least {@code n} elements for this thread and slot. */
  public static float[] floats(Slot slot, int n) {
    float[][] all = FLOATS.get();
    float[] a = all[slot.ordinal()];
    if (a == null || a.length < n) {
      a = new float[Math.max(n, a == null ? 0 : a.length + a.length / 2)];
      all[slot.ordinal()] = a;
    }
    return a;
  }
}
