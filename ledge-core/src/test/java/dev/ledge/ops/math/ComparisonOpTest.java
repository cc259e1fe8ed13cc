package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ComparisonOpTest {
  @Test
  void unsigned64ComparesUnsigned() {
    Tensor a = longs(DType.UINT64, -1L, 1);
    Tensor b = longs(DType.UINT64, 1, -1L);
    assertArrayEquals(new long[] {1, 0}, op("Greater").in(a, b).run().toLongArray());
    assertArrayEquals(new long[] {0, 1}, op("Less").in(a, b).run().toLongArray());
    assertArrayEquals(new long[] {1, 0}, op("GreaterOrEqual").in(a, b).run().toLongArray());
    assertArrayEquals(new long[] {0, 1}, op("LessOrEqual").in(a, b).run().toLongArray());
  }

  @Test
  void nanComparesFalse() {
    Tensor a = vector(DType.FLOAT16, Double.NaN, 1);
    Tensor b = vector(DType.FLOAT16, Double.NaN, 1);
    assertArrayEquals(new long[] {0, 1}, op("Equal").in(a, b).run().toLongArray());
    assertArrayEquals(new long[] {0, 1}, op("GreaterOrEqual").in(a, b).run().toLongArray());
  }

  @Test
  void equalOnStringsAndBools() {
    Tensor s = Tensor.wrap(new String[] {"a", "b", "c"}, 3);
    Tensor t = Tensor.wrap(new String[] {"b"}, 1);
    Tensor y = op("Equal").in(s, t).run();
    assertEquals(DType.BOOL, y.dtype());
    assertArrayEquals(new long[] {0, 1, 0}, y.toLongArray());
    Tensor p = OpRunner.bools(new int[] {2}, true, false);
    Tensor q = OpRunner.bools(new int[] {2}, true, true);
    assertArrayEquals(new long[] {1, 0}, op("Equal").in(p, q).run().toLongArray());
  }

  @Test
  void legacyBroadcastBeforeOpset7() {
    Tensor a = OpRunner.tensor(DType.FLOAT32, new int[] {2, 2}, 1, 2, 3, 4);
    Tensor b = vector(DType.FLOAT32, 2, 3);
    Tensor y = op("Greater").opset(1).attr("broadcast", 1L).attr("axis", 0L).in(a, b).run();
    assertArrayEquals(new long[] {0, 0, 0, 1}, y.toLongArray());
  }

  @Test
  void badInputsAreErrors() {
    assertThrows(
        LedgeException.class,
        () -> op("Less").in(vector(DType.FLOAT32, 1), longs(DType.INT64, 1)).run());
    Tensor s = Tensor.wrap(new String[] {"a"}, 1);
    assertThrows(LedgeException.class, () -> op("Greater").in(s, s).run());
    assertThrows(
        LedgeException.class,
        () ->
            op("Equal")
                .dynamic()
                .in(vector(DType.FLOAT32, 1, 2), vector(DType.FLOAT32, 1, 2, 3))
                .run());
  }
}
