package dev.ledge.ops.tensor;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/**
 * Orders tensor elements by value, for sorting ops: numbers numerically (uint64 unsigned, -0 equal
 * to 0, NaN above everything and equal to NaN), bools false before true, strings by Unicode code
 * point (as numpy compares them). Also a stable merge sort of index arrays.
 */
final class ElementOrder {
  private ElementOrder() {}

  /** Compares two elements, given by position. */
  @FunctionalInterface
  interface IndexComparator {
    int compare(int i, int j);
  }

  /** True if elements of {@code t} can be ordered (complex cannot). */
  static boolean orderable(DType t) {
    return t.kind() != DType.Kind.COMPLEX;
  }

  /** A comparator of the elements of {@code t} by value. */
  static IndexComparator of(Tensor t) {
    DType d = t.dtype();
    int off = t.offset();
    return switch (d) {
      case FLOAT32 -> {
        float[] a = t.floats();
        yield (i, j) -> compareDoubles(a[off + i], a[off + j]);
      }
      case FLOAT64 -> {
        double[] a = t.doubles();
        yield (i, j) -> compareDoubles(a[off + i], a[off + j]);
      }
      case INT64 -> {
        long[] a = t.longs();
        yield (i, j) -> Long.compare(a[off + i], a[off + j]);
      }
      case UINT64 -> {
        long[] a = t.longs();
        yield (i, j) -> Long.compareUnsigned(a[off + i], a[off + j]);
      }
      case STRING -> {
        String[] a = t.strings();
        yield (i, j) -> compareStrings(a[off + i], a[off + j]);
      }
      default ->
          d.isFloatingPoint()
              ? (i, j) -> compareDoubles(t.getDouble(i), t.getDouble(j))
              : (i, j) -> Long.compare(t.getLong(i), t.getLong(j));
    };
  }

  static int compareDoubles(double a, double b) {
    if (a < b) {
      return -1;
    }
    if (a > b) {
      return 1;
    }
    if (a == b) {
      return 0; // includes -0 == 0
    }
    return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
  }

  static int compareStrings(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  /** Sorts {@code a[from, to)} stably by {@code c} (merge sort, no boxing). */
  static void stableSort(int[] a, int from, int to, IndexComparator c) {
    int n = to - from;
    if (n < 2) {
      return;
    }
    int[] buf = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, n);
        merge(a, from, lo, mid, hi, buf, c);
      }
    }
  }

  private static void merge(
      int[] a, int base, int lo, int mid, int hi, int[] buf, IndexComparator c) {
    int i = lo;
    int j = mid;
    int k = lo;
    while (i < mid && j < hi) {
      buf[k++] = c.compare(a[base + j], a[base + i]) < 0 ? a[base + j++] : a[base + i++];
    }
    while (i < mid) {
      buf[k++] = a[base + i++];
    }
    while (j < hi) {
      buf[k++] = a[base + j++];
    }
    System.arraycopy(buf, lo, a, base + lo, hi - lo);
  }
}
