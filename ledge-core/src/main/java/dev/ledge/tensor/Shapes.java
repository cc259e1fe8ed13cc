package dev.ledge.tensor;

import dev.ledge.LedgeException;
import java.util.Arrays;

/** Shape arithmetic on {@code int[]} dims (row-major, numpy broadcasting). */
public final class Shapes {
  /** Largest element count a tensor may have: Java arrays are indexed by int. */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16L;

  private Shapes() {}

  /** Element count; rejects negative dims and counts above {@link #MAX_ELEMENTS}. */
  public static int size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new LedgeException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > MAX_ELEMENTS) {
        throw new LedgeException(
            "shape " + Arrays.toString(shape) + " has more than " + MAX_ELEMENTS + " elements");
      }
    }
    return (int) n;
  }

  /**
   * Element count of a shape given as longs (e.g. from ONNX dims or an int64 tensor), checked for
   * negative dims and overflow before any allocation.
   */
  public static int size(long[] shape) {
    return size(toInts(shape));
  }

  /** Converts long dims to int dims, rejecting negative or too-large values. */
  public static int[] toInts(long[] shape) {
    int[] r = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      long d = shape[i];
      if (d < 0 || d > MAX_ELEMENTS) {
        throw new LedgeException(
            "dimension "
                + i
                + " of shape "
                + Arrays.toString(shape)
                + " is "
                + d
                + ": expected 0.."
                + MAX_ELEMENTS);
      }
      r[i] = (int) d;
    }
    size(r);
    return r;
  }

  public static long[] toLongs(int[] shape) {
    long[] r = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      r[i] = shape[i];
    }
    return r;
  }

  /** Row-major strides in elements. */
  public static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  /** Numpy multidirectional broadcast of two shapes, or null if they are incompatible. */
  public static int[] broadcastOrNull(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] r = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da == db || db == 1) {
        r[i] = da;
      } else if (da == 1) {
        r[i] = db;
      } else {
        return null;
      }
    }
    return r;
  }

  /**
   * Broadcast of any number of shapes; throws a {@link LedgeException} naming them if impossible.
   */
  public static int[] broadcast(int[]... shapes) {
    int[] r = new int[0];
    for (int[] s : shapes) {
      int[] next = broadcastOrNull(r, s);
      if (next == null) {
        StringBuilder sb = new StringBuilder("shapes cannot be broadcast together:");
        for (int[] x : shapes) {
          sb.append(' ').append(Arrays.toString(x));
        }
        throw new LedgeException(sb.toString());
      }
      r = next;
    }
    return r;
  }

  /**
   * Strides for reading a tensor of shape {@code from} as if broadcast to {@code to} (0 on
   * broadcast dims); {@code from} is right-aligned against {@code to}.
   */
  public static int[] broadcastStrides(int[] from, int[] to) {
    int[] s = new int[to.length];
    int[] fs = strides(from);
    int off = to.length - from.length;
    for (int i = 0; i < from.length; i++) {
      s[i + off] = from[i] == 1 && to[i + off] != 1 ? 0 : fs[i];
    }
    return s;
  }

  /**
   * Normalizes a possibly negative axis into [0, rank); throws naming the op context if out of
   * range.
   */
  public static int axis(long axis, int rank, String what) {
    if (axis < -rank || axis >= Math.max(rank, 1)) {
      throw new LedgeException(
          what
              + ": axis "
              + axis
              + " is out of range for rank "
              + rank
              + " (expected "
              + -rank
              + ".."
              + (rank - 1)
              + ")");
    }
    return (int) (axis < 0 ? axis + rank : axis);
  }

  public static String toString(int[] shape) {
    return Arrays.toString(shape);
  }
}
