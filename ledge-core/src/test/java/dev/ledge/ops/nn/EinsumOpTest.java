package dev.ledge.ops.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Expected values computed with numpy.einsum on the same inputs. */
class EinsumOpTest {
  /** numpy: (arange(size).reshape(shape) % 7 - 3 + off), as the given type. */
  private static Tensor a(DType type, int off, int... shape) {
    Tensor t = Tensor.allocate(type, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setDouble(i, i % 7 - 3 + off);
    }
    return t;
  }

  private static Tensor a(int off, int... shape) {
    return a(DType.FLOAT64, off, shape);
  }

  private static void check(String eq, int[] shape, long[] expected, Tensor... in) {
    NodeRunner r = NodeRunner.op("Einsum").opset(12).attr("equation", eq);
    for (Tensor t : in) {
      r.input(t);
    }
    Tensor y = r.run0();
    assertArrayEquals(shape, y.shape(), eq);
    assertEquals(Shapes.size(shape), expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], y.getDouble(i), 1e-12, eq + " element " + i);
    }
  }

  @Test
  void matchesNumpy() {
    check(
        "ij,jk", new int[] {2, 4}, new long[] {3, -3, -9, -1, 0, 3, 6, 2}, a(0, 2, 3), a(1, 3, 4));
    // Implicit output in ASCII order: upper case first.
    check(
        "Ba,aC", new int[] {2, 4}, new long[] {3, -3, -9, -1, 0, 3, 6, 2}, a(0, 2, 3), a(1, 3, 4));
    check("...ii->...i", new int[] {2, 3}, new long[] {-3, 1, -2, -1, 3, 0}, a(0, 2, 3, 3));
    check(
        "a...,...b",
        new int[] {2, 3, 4},
        new long[] {
          3, 0, -3, -6, 1, 0, -1, -2, -1, 0, 1, 2, -6, -8, -10, 2, 0, 0, 0, 0, 6, 8, 10, -2
        },
        a(0, 3, 2),
        a(2, 2, 4));
    check("i...,i...->...", new int[] {3}, new long[] {6, 4, 6}, a(0, 2, 3), a(1, 2, 3));
    check("ii", new int[] {}, new long[] {-4}, a(0, 3, 3));
    check("ij,ij->ij", new int[] {2, 3}, new long[] {6, 3, 0, -2, -4, -6}, a(0, 2, 1), a(1, 2, 3));
    check(
        "b i j, b j k -> b i k",
        new int[] {2, 2, 2},
        new long[] {-2, -8, 7, 10, 11, -12, -3, 4},
        a(0, 2, 2, 3),
        a(2, 2, 3, 2));
    check("iij->ji", new int[] {3, 2}, new long[] {-3, -1, -2, 0, -1, 1}, a(0, 2, 2, 3));
  }

  @Test
  void integerTypesAreExact() {
    Tensor x = a(DType.INT32, 0, 2, 3);
    Tensor y = a(DType.INT32, 1, 3, 4);
    Tensor r =
        NodeRunner.op("Einsum").opset(12).attr("equation", "ij,jk->ik").input(x).input(y).run0();
    assertEquals(DType.INT32, r.dtype());
    assertArrayEquals(new int[] {3, -3, -9, -1, 0, 3, 6, 2}, r.ints());
    Tensor big = Tensor.wrap(new long[] {Long.MAX_VALUE, 2}, 2);
    Tensor sum = NodeRunner.op("Einsum").opset(12).attr("equation", "i->").input(big).run0();
    assertEquals(Long.MAX_VALUE + 2, sum.longs()[0]);
  }

  @Test
  void hopelessWorkIsRefusedInsteadOfHanging() {
    Tensor big = Tensor.allocate(DType.FLOAT32, 1100, 1100);
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Einsum")
                    .opset(12)
                    .attr("equation", "ij,kl->")
                    .input(big)
                    .input(big)
                    .run0());
    assertTrue(e.getMessage().contains("products"), e.getMessage());
  }

  @Test
  void badEquationsAreClearErrors() {
    Tensor x = a(0, 2, 3);
    String[][] cases = {
      {"ij;jk", "unexpected character"},
      {"ij,jk", "2 terms for 1 inputs"},
      {"ijk", "does not fit"},
      {"ij->k", "in no input"},
      {"ij->ii", "twice"},
      {"i..j", "ellipsis"},
    };
    for (String[] c : cases) {
      LedgeException e =
          assertThrows(
              LedgeException.class,
              () -> NodeRunner.op("Einsum").opset(12).attr("equation", c[0]).input(x).run0(),
              c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
    }
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Einsum")
                    .opset(12)
                    .attr("equation", "ij,ij->i")
                    .input(x)
                    .input(a(0, 3, 2))
                    .run0());
    assertTrue(e.getMessage().contains("has sizes"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Einsum")
                    .opset(12)
                    .attr("equation", "...j->j")
                    .input(a(0, 2, 3))
                    .run0());
    assertTrue(e.getMessage().contains("has no '...'"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Einsum")
                    .opset(12)
                    .attr("equation", "ij")
                    .input(Tensor.wrap(DType.BOOL, new byte[6], 0, 2, 3))
                    .run0());
    assertTrue(e.getMessage().contains("Einsum accepts"), e.getMessage());
  }
}
