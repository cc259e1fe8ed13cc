package dev.ledge.kernels;

import dev.ledge.LedgeException;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Moves whole blocks of elements along one axis, for every dtype: take one index of an axis,
 * concatenate or stack tensors, split a tensor. A shape is seen as {@code [outer, axis, inner]}, so
 * every operation is a few {@code System.arraycopy} calls per outer index (packed 4- and 2-bit
 * types go element by element).
 */
public final class AxisCopy {
  private AxisCopy() {}

  /** Copies {@code n} elements from {@code src} (from element {@code from}) into {@code dst}. */
  public static void copy(Tensor src, int from, Tensor dst, int to, int n) {
    if (n == 0) {
      return;
    }
    if (src.dtype() != dst.dtype()) {
      throw new LedgeException("cannot copy " + src + " elements into " + dst);
    }
    if (src.dtype().packed()) {
      for (int i = 0; i < n; i++) {
        dst.setRawBits(to + i, src.rawBits(from + i));
      }
    } else {
      System.arraycopy(src.array(), src.offset() + from, dst.array(), dst.offset() + to, n);
    }
  }

  /** Product of the dims before {@code axis}. */
  public static int outer(int[] shape, int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** Product of the dims after {@code axis}. */
  public static int inner(int[] shape, int axis) {
    int n = 1;
    for (int i = axis + 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** {@code shape} without dim {@code axis}. */
  public static int[] removeAxis(int[] shape, int axis) {
    int[] r = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != axis) {
        r[j++] = shape[i];
      }
    }
    return r;
  }

  /** {@code shape} with a dim of size {@code size} inserted at position {@code axis}. */
  public static int[] insertAxis(int[] shape, int axis, int size) {
    int[] r = new int[shape.length + 1];
    for (int i = 0, j = 0; i < r.length; i++) {
      r[i] = i == axis ? size : shape[j++];
    }
    return r;
  }

  /** A new tensor holding index {@code index} of {@code axis}; that axis is removed. */
  public static Tensor take(Tensor src, int axis, int index) {
    Tensor s = src.toHeap();
    int[] shape = s.shape();
    int[] outShape = removeAxis(shape, axis);
    Tensor out = Tensor.allocate(s.dtype(), outShape);
    int outer = outer(shape, axis);
    int inner = inner(shape, axis);
    int len = shape[axis];
    for (int o = 0; o < outer; o++) {
      copy(s, (o * len + index) * inner, out, o * inner, inner);
    }
    return out;
  }

  /**
   * The shape of {@code parts} concatenated along {@code axis}; throws naming the first part whose
   * rank or other dims disagree.
   */
  public static int[] concatShape(List<Tensor> parts, int axis) {
    int[] first = parts.get(0).shape();
    int[] r = first.clone();
    long total = 0;
    for (int p = 0; p < parts.size(); p++) {
      Tensor t = parts.get(p);
      int[] s = t.shape();
      boolean ok = s.length == first.length;
      for (int i = 0; ok && i < s.length; i++) {
        ok = i == axis || s[i] == first[i];
      }
      if (!ok || t.dtype() != parts.get(0).dtype()) {
        throw new LedgeException(
            "cannot concatenate along axis "
                + axis
                + ": tensor "
                + p
                + " is "
                + t.dtype()
                + Arrays.toString(s)
                + ", tensor 0 is "
                + parts.get(0).dtype()
                + Arrays.toString(first));
      }
      total += s[axis];
    }
    if (total > Shapes.MAX_ELEMENTS) {
      throw new LedgeException("concatenation along axis " + axis + " is too large: " + total);
    }
    r[axis] = (int) total;
    Shapes.size(r);
    return r;
  }

  /** Concatenates {@code parts} (already checked by {@link #concatShape}) into {@code out}. */
  public static void concatInto(List<Tensor> parts, int axis, Tensor out) {
    int[] outShape = out.shape();
    int outer = outer(outShape, axis);
    int inner = inner(outShape, axis);
    int outRow = outShape[axis] * inner;
    int at = 0;
    for (Tensor part : parts) {
      Tensor p = part.toHeap();
      int block = p.dim(axis) * inner;
      for (int o = 0; o < outer; o++) {
        copy(p, o * block, out, o * outRow + at, block);
      }
      at += block;
    }
  }

  /** A new tensor: {@code parts} concatenated along {@code axis}. */
  public static Tensor concat(List<Tensor> parts, int axis) {
    Tensor out = Tensor.allocate(parts.get(0).dtype(), concatShape(parts, axis));
    concatInto(parts, axis, out);
    return out;
  }

  /**
   * A new tensor: {@code parts} (all of one dtype and shape) stacked along a new axis {@code axis}.
   */
  public static Tensor stack(List<Tensor> parts, int axis) {
    List<Tensor> views = new ArrayList<>(parts.size());
    for (Tensor t : parts) {
      views.add(t.reshape(insertAxis(t.shape(), axis, 1)));
    }
    return concat(views, axis);
  }

  /** Splits {@code src} along {@code axis} into new tensors of the given sizes (summing to dim). */
  public static List<Tensor> split(Tensor src, int axis, int[] sizes) {
    Tensor s = src.toHeap();
    int[] shape = s.shape();
    int outer = outer(shape, axis);
    int inner = inner(shape, axis);
    int row = shape[axis] * inner;
    List<Tensor> out = new ArrayList<>(sizes.length);
    int at = 0;
    for (int size : sizes) {
      int[] partShape = shape.clone();
      partShape[axis] = size;
      Tensor part = Tensor.allocate(s.dtype(), partShape);
      int block = size * inner;
      for (int o = 0; o < outer; o++) {
        copy(s, o * row + at, part, o * block, block);
      }
      at += block;
      out.add(part);
    }
    return out;
  }
}
