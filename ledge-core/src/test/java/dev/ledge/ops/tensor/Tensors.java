package dev.ledge.ops.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/** Small builders and checks for op tests. */
final class Tensors {
  private Tensors() {}

  static Tensor f32(int[] shape, float... v) {
    return Tensor.wrap(v.clone(), shape);
  }

  static Tensor i64(int[] shape, long... v) {
    return Tensor.wrap(v.clone(), shape);
  }

  static Tensor longs(long... v) {
    return Tensor.ofLongs(v);
  }

  static Tensor str(int[] shape, String... v) {
    return Tensor.wrap(v.clone(), shape);
  }

  /** A tensor of any integer-like type (bool, int4 ...) from longs. */
  static Tensor of(DType t, int[] shape, long... v) {
    Tensor r = Tensor.allocate(t, shape);
    for (int i = 0; i < v.length; i++) {
      r.setLong(i, v[i]);
    }
    return r;
  }

  /** A tensor of any float type from doubles. */
  static Tensor ofDoubles(DType t, int[] shape, double... v) {
    Tensor r = Tensor.allocate(t, shape);
    for (int i = 0; i < v.length; i++) {
      r.setDouble(i, v[i]);
    }
    return r;
  }

  static int[] shape(int... d) {
    return d;
  }

  static void assertLongs(Tensor t, DType dtype, int[] shape, long... expected) {
    assertEquals(dtype, t.dtype());
    assertArrayEquals(shape, t.shape());
    assertArrayEquals(expected, t.toLongArray());
  }

  static void assertFloats(Tensor t, int[] shape, float... expected) {
    assertEquals(DType.FLOAT32, t.dtype());
    assertArrayEquals(shape, t.shape());
    assertArrayEquals(expected, t.toFloatArray());
  }

  static void assertStrings(Tensor t, int[] shape, String... expected) {
    assertEquals(DType.STRING, t.dtype());
    assertArrayEquals(shape, t.shape());
    String[] got = new String[t.size()];
    for (int i = 0; i < got.length; i++) {
      got[i] = t.getString(i);
    }
    assertArrayEquals(expected, got);
  }
}
