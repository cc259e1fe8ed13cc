package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.doubles;
import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.tensor;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.Broadcast;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryOpTest {
  @Test
  void subBroadcastsLikeNumpy() {
    Random rnd = new Random(1);
    int[][] shapes = {{2, 1, 4}, {3, 1}, {1}, {}, {2, 3, 4}, {4}, {1, 3, 1}};
    for (int[] sa : shapes) {
      for (int[] sb : shapes) {
        int[] out = Shapes.broadcastOrNull(sa, sb);
        if (out == null) {
          continue;
        }
        Tensor a = Tensor.allocate(DType.FLOAT32, sa);
        Tensor b = Tensor.allocate(DType.FLOAT32, sb);
        for (int i = 0; i < a.size(); i++) {
          a.setFloat(i, rnd.nextInt(100));
        }
        for (int i = 0; i < b.size(); i++) {
          b.setFloat(i, rnd.nextInt(100));
        }
        Tensor y = op("Sub").in(a, b).run();
        assertArrayEquals(out, y.shape());
        int[] ia = Broadcast.indexMap(sa, out);
        int[] ib = Broadcast.indexMap(sb, out);
        for (int i = 0; i < y.size(); i++) {
          assertEquals(a.getFloat(ia[i]) - b.getFloat(ib[i]), y.getFloat(i));
        }
      }
    }
  }

  @Test
  void integerDivisionTruncatesTowardZero() {
    Tensor y =
        op("Div").in(longs(DType.INT32, -7, 7, -7, 7), longs(DType.INT32, 2, -2, -2, 2)).run();
    assertArrayEquals(new long[] {-3, -3, 3, 3}, y.toLongArray());
    // The one overflowing quotient wraps, as in C on two's complement machines.
    assertEquals(
        -128, op("Div").in(longs(DType.INT8, -128), longs(DType.INT8, -1)).run().getLong(0));
    Tensor u = op("Div").in(longs(DType.UINT64, -1L), longs(DType.UINT64, 2)).run();
    assertEquals(Long.MAX_VALUE, u.getLong(0));
  }

  @Test
  void integerDivisionByZeroIsAnError() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> op("Div").in(longs(DType.INT32, 1, 2), longs(DType.INT32, 1, 0)).run());
    assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
    assertThrows(
        LedgeException.class,
        () -> op("Mod").in(longs(DType.UINT8, 1), longs(DType.UINT8, 0)).run());
  }

  @Test
  void floatDivisionByZeroFollowsIeee() {
    double[] y =
        doubles(
            op("Div").in(vector(DType.FLOAT32, 1, -1, 0), vector(DType.FLOAT32, 0, 0, 0)).run());
    assertEquals(Double.POSITIVE_INFINITY, y[0]);
    assertEquals(Double.NEGATIVE_INFINITY, y[1]);
    assertTrue(Double.isNaN(y[2]));
  }

  @Test
  void unsignedArithmeticWraps() {
    assertEquals(0, op("Add").in(longs(DType.UINT8, 255), longs(DType.UINT8, 1)).run().getLong(0));
    assertEquals(
        65535, op("Sub").in(longs(DType.UINT16, 0), longs(DType.UINT16, 1)).run().getLong(0));
    assertEquals(
        0xFFFF_FFFEL,
        op("Mul").in(longs(DType.UINT32, 0xFFFF_FFFFL), longs(DType.UINT32, 2)).run().getLong(0));
  }

  @Test
  void modFollowsTheFmodAttribute() {
    Tensor a = longs(DType.INT32, -7, 7, -7, 7);
    Tensor b = longs(DType.INT32, 2, -2, -2, 2);
    assertArrayEquals(new long[] {1, -1, -1, 1}, op("Mod").in(a, b).run().toLongArray());
    assertArrayEquals(
        new long[] {-1, 1, -1, 1}, op("Mod").attr("fmod", 1L).in(a, b).run().toLongArray());
    assertEquals(
        5, op("Mod").in(longs(DType.UINT64, -1L), longs(DType.UINT64, 10)).run().getLong(0));
    double[] f =
        doubles(
            op("Mod")
                .attr("fmod", 1L)
                .in(vector(DType.FLOAT64, -7.5, 7.5), vector(DType.FLOAT64, 2, -2))
                .run());
    assertArrayEquals(new double[] {-1.5, 1.5}, f);
  }

  @Test
  void floatModWithoutFmodIsAnError() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> op("Mod").in(vector(DType.FLOAT32, 1), vector(DType.FLOAT32, 2)).run());
    assertTrue(e.getMessage().contains("fmod=1"), e.getMessage());
  }

  @Test
  void bitShiftByTheWidthOrMoreGivesZero() {
    assertArrayEquals(
        new long[] {0, 2},
        op("BitShift")
            .attr("direction", "LEFT")
            .in(longs(DType.UINT8, 1, 1), longs(DType.UINT8, 8, 1))
            .run()
            .toLongArray());
    assertEquals(
        0,
        op("BitShift")
            .attr("direction", "LEFT")
            .in(longs(DType.UINT16, 1), longs(DType.UINT16, 70))
            .run()
            .getLong(0));
    assertArrayEquals(
        new long[] {0, 1},
        op("BitShift")
            .attr("direction", "RIGHT")
            .in(longs(DType.UINT64, -1L, Long.MIN_VALUE), longs(DType.UINT64, 64, 63))
            .run()
            .toLongArray());
  }

  @Test
  void bitShiftNeedsADirection() {
    assertThrows(
        LedgeException.class,
        () -> op("BitShift").in(longs(DType.UINT8, 1), longs(DType.UINT8, 1)).run());
    assertThrows(
        LedgeException.class,
        () ->
            op("BitShift")
                .attr("direction", "UP")
                .in(longs(DType.UINT8, 1), longs(DType.UINT8, 1))
                .run());
  }

  @Test
  void bitwiseOpsKeepTheSign() {
    assertEquals(
        15, op("BitwiseAnd").in(longs(DType.INT8, -1), longs(DType.INT8, 15)).run().getLong(0));
    assertEquals(
        -1, op("BitwiseOr").in(longs(DType.INT16, -16), longs(DType.INT16, 15)).run().getLong(0));
  }

  @Test
  void float16RoundsEachResultToNearestEven() {
    double ulp = Math.scalb(1.0, -10);
    double half = Math.scalb(1.0, -11);
    Tensor y =
        op("Add").in(vector(DType.FLOAT16, 1, 1 + ulp), vector(DType.FLOAT16, half, half)).run();
    assertArrayEquals(new double[] {1, 1 + 2 * ulp}, doubles(y));
  }

  @Test
  void logicalOpsOnBools() {
    Tensor a = OpRunner.bools(new int[] {2, 2}, true, true, false, false);
    Tensor b = OpRunner.bools(new int[] {2}, true, false);
    assertArrayEquals(new long[] {1, 0, 0, 0}, op("And").in(a, b).run().toLongArray());
    assertArrayEquals(new long[] {1, 1, 1, 0}, op("Or").in(a, b).run().toLongArray());
    assertArrayEquals(new long[] {0, 1, 1, 0}, op("Xor").in(a, b).run().toLongArray());
  }

  @Test
  void legacyBroadcastAlignsAtAxis() {
    Tensor a = tensor(DType.FLOAT32, new int[] {2, 3, 2}, new double[12]);
    Tensor b = vector(DType.FLOAT32, 10, 20, 30);
    Tensor y = op("Add").opset(6).attr("broadcast", 1L).attr("axis", 1L).in(a, b).run();
    assertArrayEquals(new double[] {10, 10, 20, 20, 30, 30, 10, 10, 20, 20, 30, 30}, doubles(y));
    Tensor c = vector(DType.FLOAT32, 1, 2);
    Tensor z = op("Mul").opset(1).attr("broadcast", 1L).in(vector(DType.FLOAT32, 3, 4), c).run();
    assertArrayEquals(new double[] {3, 8}, doubles(z));
    assertThrows(
        LedgeException.class,
        () -> op("Add").opset(6).in(a, b).run()); // broadcast=0 needs equal shapes
  }

  @Test
  void shapeClashesAreClearErrors() {
    Tensor a = vector(DType.FLOAT32, 1, 2, 3);
    Tensor b = vector(DType.FLOAT32, 1, 2, 3, 4);
    LedgeException prepare = assertThrows(LedgeException.class, () -> op("Add").in(a, b).run());
    assertTrue(prepare.getMessage().contains("cannot be broadcast"), prepare.getMessage());
    LedgeException run =
        assertThrows(LedgeException.class, () -> op("Add").dynamic().in(a, b).run());
    assertTrue(run.getMessage().contains("[3] [4] cannot be broadcast"), run.getMessage());
  }

  @Test
  void mixedTypesAreAnError() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> op("Add").in(vector(DType.FLOAT32, 1), longs(DType.INT32, 1)).run());
    assertTrue(e.getMessage().contains("same element type"), e.getMessage());
    assertThrows(
        LedgeException.class,
        () -> op("And").in(vector(DType.FLOAT32, 1), vector(DType.FLOAT32, 1)).run());
  }

  @Test
  void preluBroadcastsTheSlopeToX() {
    Tensor x = tensor(DType.FLOAT32, new int[] {2, 3}, -1, 2, -3, 4, -5, 6);
    Tensor slope = vector(DType.FLOAT32, 0.5, 1, 2);
    assertArrayEquals(
        new double[] {-0.5, 2, -6, 4, -5, 6}, doubles(op("PRelu").in(x, slope).run()));
    Tensor ints = longs(DType.INT32, -4, 4);
    assertArrayEquals(
        new long[] {-8, 4}, op("PRelu").in(ints, longs(DType.INT32, 2)).run().toLongArray());
    Tensor tooBig = tensor(DType.FLOAT32, new int[] {2, 2, 3}, new double[12]);
    assertThrows(LedgeException.class, () -> op("PRelu").in(x, tooBig).run());
    assertThrows(LedgeException.class, () -> op("PRelu").dynamic().in(x, tooBig).run());
  }
}
