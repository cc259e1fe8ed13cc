package dev.ledge.ops.tensor;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;

/**
 * Element movement that works for every dtype: block copies, gathers through offset tables and
 * fills. Dense types move through their storage arrays (one typed loop per storage class); packed
 * 4- and 2-bit types move field by field through {@link Tensor#rawBits}; complex elements move as
 * pairs of slots. Source and destination always have the same dtype.
 */
final class Elements {
  private Elements() {}

  /** Storage slots per element: 2 for complex types, else 1 (packed types are handled apart). */
  static int width(DType t) {
    return t.kind() == DType.Kind.COMPLEX ? 2 : 1;
  }

  /** Copies {@code n} consecutive elements: {@code dst[dstPos + i] = src[srcPos + i]}. */
  static void copy(Tensor src, int srcPos, Tensor dst, int dstPos, int n) {
    if (n <= 0) {
      return;
    }
    DType t = src.dtype();
    if (t.packed()) {
      for (int i = 0; i < n; i++) {
        dst.setRawBits(dstPos + i, src.rawBits(srcPos + i));
      }
      return;
    }
    int w = width(t);
    System.arraycopy(
        src.array(), src.offset() + srcPos * w, dst.array(), dst.offset() + dstPos * w, n * w);
  }

  /** Copies one element: {@code dst[dstPos] = src[srcPos]}. */
  static void copyOne(Tensor src, int srcPos, Tensor dst, int dstPos) {
    DType t = src.dtype();
    if (t.packed()) {
      dst.setRawBits(dstPos, src.rawBits(srcPos));
      return;
    }
    int s = src.offset() + srcPos;
    int d = dst.offset() + dstPos;
    if (width(t) == 2) {
      System.arraycopy(
          src.array(), 2 * srcPos + src.offset(), dst.array(), 2 * dstPos + dst.offset(), 2);
      return;
    }
    switch (t.storage()) {
      case FLOAT -> dst.floats()[d] = src.floats()[s];
      case DOUBLE -> dst.doubles()[d] = src.doubles()[s];
      case BYTE -> dst.bytes()[d] = src.bytes()[s];
      case SHORT -> dst.shorts()[d] = src.shorts()[s];
      case INT -> dst.ints()[d] = src.ints()[s];
      case LONG -> dst.longs()[d] = src.longs()[s];
      case STRING -> dst.strings()[d] = src.strings()[s];
    }
  }

  /**
   * Gathers a row: {@code dst[dstPos + j] = src[base + offs[j]]} for {@code j < n}. An offset below
   * zero writes the element of {@code fill} (a one-element tensor of the same dtype) instead; with
   * a null {@code fill} every offset must be valid.
   */
  static void gatherRow(
      Tensor src, int base, int[] offs, Tensor dst, int dstPos, int n, Tensor fill) {
    DType t = src.dtype();
    if (t.packed() || width(t) == 2) {
      for (int j = 0; j < n; j++) {
        int o = offs[j];
        if (o < 0) {
          copyOne(fill, 0, dst, dstPos + j);
        } else {
          copyOne(src, base + o, dst, dstPos + j);
        }
      }
      return;
    }
    int so = src.offset() + base;
    int d0 = dst.offset() + dstPos;
    boolean f = fill != null;
    int fo = f ? fill.offset() : 0;
    switch (t.storage()) {
      case FLOAT -> {
        float[] s = src.floats();
        float[] d = dst.floats();
        float v = f ? fill.floats()[fo] : 0;
        for (int j = 0; j < n; j++) {
          int o = offs[j];
          d[d0 + j] = o < 0 ? v : s[so + o];
        }
      }
      case DOUBLE -> {
        double[] s = src.doubles();
        double[] d = dst.doubles();
        double v = f ? fill.doubles()[fo] : 0;
        for (int j = 0; j < n; j++) {
          int o = offs[j];
          d[d0 + j] = o < 0 ? v : s[so + o];
        }
      }
      case BYTE -> {
        byte[] s = src.bytes();
        byte[] d = dst.bytes();
        byte v = f ? fill.bytes()[fo] : 0;
        for (int j = 0; j < n; j++) {
          int o = offs[j];
          d[d0 + j] = o < 0 ? v : s[so + o];
        }
      }
      case SHORT -> {
        short[] s = src.shorts();
        short[] d = dst.shorts();
        short v = f ? fill.shorts()[fo] : 0;
        for (int j = 0; j < n; j++) {
          int o = offs[j];
          d[d0 + j] = o < 0 ? v : s[so + o];
        }
      }
      case INT -> {
        int[] s = src.ints();
        int[] d = dst.ints();
        int v = f ? fill.ints()[fo] : 0;
        for (int j = 0; j < n; j++) {
          int o = offs[j];
          d[d0 + j] = o < 0 ? v : s[so + o];
        }
      }
      case LONG -> {
        long[] s = src.longs();
        long[] d = dst.longs();
        long v = f ? fill.longs()[fo] : 0;
        for (int j = 0; j < n; j++) {
          int o = offs[j];
          d[d0 + j] = o < 0 ? v : s[so + o];
        }
      }
      case STRING -> {
        String[] s = src.strings();
        String[] d = dst.strings();
        String v = f ? fill.strings()[fo] : "";
        for (int j = 0; j < n; j++) {
          int o = offs[j];
          d[d0 + j] = o < 0 ? v : s[so + o];
        }
      }
    }
  }

  /** Sets elements {@code [from, to)} of {@code dst} to the single element of {@code value}. */
  static void fill(Tensor dst, int from, int to, Tensor value) {
    if (to <= from) {
      return;
    }
    DType t = dst.dtype();
    if (t.packed() || width(t) == 2) {
      for (int i = from; i < to; i++) {
        copyOne(value, 0, dst, i);
      }
      return;
    }
    int a = dst.offset() + from;
    int b = dst.offset() + to;
    int vo = value.offset();
    switch (t.storage()) {
      case FLOAT -> Arrays.fill(dst.floats(), a, b, value.floats()[vo]);
      case DOUBLE -> Arrays.fill(dst.doubles(), a, b, value.doubles()[vo]);
      case BYTE -> Arrays.fill(dst.bytes(), a, b, value.bytes()[vo]);
      case SHORT -> Arrays.fill(dst.shorts(), a, b, value.shorts()[vo]);
      case INT -> Arrays.fill(dst.ints(), a, b, value.ints()[vo]);
      case LONG -> Arrays.fill(dst.longs(), a, b, value.longs()[vo]);
      case STRING -> Arrays.fill(dst.strings(), a, b, value.strings()[vo]);
    }
  }

  /** A one-element tensor of {@code dtype} holding zero (false, the empty string). */
  static Tensor zero(DType dtype) {
    return Tensor.allocate(dtype);
  }
}
