package dev.ledge.ops.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeHarness;
import org.junit.jupiter.api.Test;

class ArgExtremeOpTest {
  private static Tensor arg(String op, Tensor x, long axis, boolean last) {
    return NodeHarness.op(op, 13)
        .input("x", x)
        .attr(Attribute.of("axis", axis))
        .attr(Attribute.of("keepdims", 0L))
        .attr(Attribute.of("select_last_index", last ? 1L : 0L))
        .run1();
  }

  @Test
  void tiesAndNaN() {
    Tensor x = Tensor.ofFloats(1, Float.NaN, 3, 3, Float.NaN, -1);
    assertEquals(1L, arg("ArgMax", x, 0, false).getLong(0));
    assertEquals(4L, arg("ArgMax", x, 0, true).getLong(0));
    assertEquals(1L, arg("ArgMin", x, 0, false).getLong(0));
    Tensor y = Tensor.ofFloats(2, 5, 5, 0, 0);
    assertEquals(1L, arg("ArgMax", y, 0, false).getLong(0));
    assertEquals(2L, arg("ArgMax", y, 0, true).getLong(0));
    assertEquals(4L, arg("ArgMin", y, -1, true).getLong(0));
  }

  @Test
  void integersCompareExactly() {
    Tensor big = Tensor.wrap(new long[] {(1L << 60) + 1, (1L << 60), (1L << 60) + 1}, 3);
    assertEquals(1L, arg("ArgMin", big, 0, false).getLong(0));
    assertEquals(2L, arg("ArgMax", big, 0, true).getLong(0));
    Tensor u = Tensor.allocate(DType.UINT64, 2);
    u.setLong(0, 5);
    u.setLong(1, -1L);
    assertEquals(1L, arg("ArgMax", u, 0, false).getLong(0));
  }

  @Test
  void innerAxis() {
    Tensor x = Tensor.wrap(new int[] {1, 9, 3, 7, 2, 8}, 2, 3);
    assertArrayEquals(new long[] {1, 0, 1}, arg("ArgMax", x, 0, false).toLongArray());
    assertArrayEquals(new long[] {1, 2}, arg("ArgMax", x, 1, false).toLongArray());
  }

  @Test
  void errors() {
    Tensor x = Tensor.ofFloats(1, 2);
    LedgeException axis = assertThrows(LedgeException.class, () -> arg("ArgMax", x, 1, false));
    assertTrue(axis.getMessage().contains("out of range"), axis.getMessage());
    LedgeException empty =
        assertThrows(
            LedgeException.class,
            () -> arg("ArgMin", Tensor.allocate(DType.FLOAT32, 2, 0), 1, false));
    assertTrue(empty.getMessage().contains("size 0"), empty.getMessage());
    LedgeException old =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("ArgMax", 11)
                    .input("x", x)
                    .attr(Attribute.of("select_last_index", 1L))
                    .run1());
    assertTrue(old.getMessage().contains("opset 12"), old.getMessage());
  }
}
