package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.bools;
import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.tensor;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WhereOpTest {
  @Test
  void broadcastsAllThreeInputs() {
    Tensor c = bools(new int[] {2, 1}, true, false);
    Tensor x = tensor(DType.INT64, new int[] {1, 3}, 1, 2, 3);
    Tensor y = tensor(DType.INT64, new int[0], 9);
    Tensor z = op("Where").in(c, x, y).run();
    assertArrayEquals(new int[] {2, 3}, z.shape());
    assertArrayEquals(new long[] {1, 2, 3, 9, 9, 9}, z.toLongArray());
  }

  @Test
  void selectsStringsAndComplexNumbers() {
    Tensor c = bools(new int[] {2}, false, true);
    Tensor s =
        op("Where")
            .in(c, Tensor.wrap(new String[] {"a", "b"}, 2), Tensor.wrap(new String[] {"c", "d"}, 2))
            .run();
    assertArrayEquals(new String[] {"c", "b"}, s.strings());
    Tensor p = Tensor.wrap(DType.COMPLEX64, new float[] {1, 2, 3, 4}, 0, 2);
    Tensor q = Tensor.wrap(DType.COMPLEX64, new float[] {5, 6, 7, 8}, 0, 2);
    Tensor r = op("Where").in(c, p, q).run();
    assertArrayEquals(new float[] {5, 6, 3, 4}, r.floats());
  }

  @Test
  void selectsPackedInt4() {
    Tensor c = bools(new int[] {3}, true, false, true);
    Tensor x = longs(DType.INT4, -8, 7, -1);
    Tensor y = longs(DType.INT4, 1, 2, 3);
    assertArrayEquals(new long[] {-8, 2, -1}, op("Where").in(c, x, y).run().toLongArray());
  }

  @Test
  void badInputsAreErrors() {
    Tensor x = vector(DType.FLOAT32, 1, 2);
    assertThrows(LedgeException.class, () -> op("Where").in(x, x, x).run());
    Tensor c = bools(new int[] {2}, true, false);
    assertThrows(LedgeException.class, () -> op("Where").in(c, x, longs(DType.INT64, 1, 2)).run());
    assertThrows(LedgeException.class, () -> op("Where").in(c).omitted().in(x).run());
    Tensor three = vector(DType.FLOAT32, 1, 2, 3);
    assertThrows(LedgeException.class, () -> op("Where").dynamic().in(c, x, three).run());
  }
}
