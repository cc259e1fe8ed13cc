package dev.ledge.ops.math;

import static dev.ledge.ops.math.OpRunner.doubles;
import static dev.ledge.ops.math.OpRunner.longs;
import static dev.ledge.ops.math.OpRunner.op;
import static dev.ledge.ops.math.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CumulativeOpTest {
  private static Tensor axis(long a) {
    return Tensor.scalar(a);
  }

  /** Naive cumulative sum over axis 1 of a [p, q, r] tensor. */
  private static double[] naive(
      double[] x, int p, int q, int r, boolean exclusive, boolean reverse) {
    double[] y = new double[x.length];
    for (int i = 0; i < p; i++) {
      for (int k = 0; k < r; k++) {
        double acc = 0;
        for (int s = 0; s < q; s++) {
          int j = reverse ? q - 1 - s : s;
          int at = (i * q + j) * r + k;
          if (exclusive) {
            y[at] = acc;
            acc += x[at];
          } else {
            acc += x[at];
            y[at] = acc;
          }
        }
      }
    }
    return y;
  }

  @Test
  void everyModeAlongAMiddleAxis() {
    double[] x = new double[2 * 3 * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 1.5 - 7;
    }
    Tensor in = OpRunner.tensor(DType.FLOAT64, new int[] {2, 3, 4}, x);
    for (long exclusive = 0; exclusive < 2; exclusive++) {
      for (long reverse = 0; reverse < 2; reverse++) {
        Tensor y =
            op("CumSum")
                .attr("exclusive", exclusive)
                .attr("reverse", reverse)
                .in(in, axis(-2))
                .run();
        assertArrayEquals(naive(x, 2, 3, 4, exclusive == 1, reverse == 1), doubles(y));
      }
    }
  }

  @Test
  void productWrapsAndStartsAtOne() {
    Tensor y =
        op("CumProd")
            .attr("exclusive", 1L)
            .attr("reverse", 1L)
            .in(longs(DType.INT64, 1L << 40, 1L << 40, 3), axis(0))
            .run();
    assertArrayEquals(new long[] {(1L << 40) * 3, 3, 1}, y.toLongArray());
  }

  @Test
  void float16RoundsEveryStep() {
    // 2048 + 1 rounds back to 2048 in half precision, so the sum never grows.
    Tensor y = op("CumSum").in(vector(DType.FLOAT16, 2048, 1, 1), axis(0)).run();
    assertArrayEquals(new double[] {2048, 2048, 2048}, doubles(y));
  }

  @Test
  void badAxisIsAnError() {
    Tensor x = vector(DType.FLOAT32, 1, 2);
    LedgeException constant =
        assertThrows(LedgeException.class, () -> op("CumSum").in(x).constant(axis(1)).run());
    assertTrue(constant.getMessage().contains("out of range"), constant.getMessage());
    assertThrows(LedgeException.class, () -> op("CumSum").in(x, axis(-2)).run());
    assertThrows(LedgeException.class, () -> op("CumSum").in(x, longs(DType.INT64, 0, 0)).run());
    assertThrows(LedgeException.class, () -> op("CumProd").in(x, vector(DType.FLOAT32, 0)).run());
  }
}
