package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.assertClose;
import static dev.ledge.ops.nn.TestTensors.random;
import static dev.ledge.ops.nn.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxOpTest {
  /** Softmax over groups of {@code len} elements {@code stride} apart. */
  private static double[] softmax(double[] x, int outer, int len, int stride, boolean log) {
    double[] y = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int s = 0; s < stride; s++) {
        int base = o * len * stride + s;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
          max = Math.max(max, x[base + i * stride]);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
          sum += Math.exp(x[base + i * stride] - max);
        }
        for (int i = 0; i < len; i++) {
          double v = x[base + i * stride] - max;
          y[base + i * stride] = log ? v - Math.log(sum) : Math.exp(v) / sum;
        }
      }
    }
    return y;
  }

  @Test
  void axisSemanticsChangeAtOpset13() {
    Tensor x = random(DType.FLOAT64, 1, 2, 3, 4);
    double[] xv = values(x);
    // Opset 11, axis 1: rows of 12 (the 2-D coercion).
    Tensor y11 = NodeRunner.op("Softmax").opset(11).attr("axis", 1L).input(x).run0();
    assertClose(x.shape(), softmax(xv, 2, 12, 1, false), y11, 1e-12);
    // Opset 13, axis 1: only dim 1, stride 4.
    Tensor y13 = NodeRunner.op("Softmax").opset(13).attr("axis", 1L).input(x).run0();
    assertClose(x.shape(), softmax(xv, 2, 3, 4, false), y13, 1e-12);
    // Defaults: 1 before 13 (rows of 12), -1 from 13 (rows of 4).
    Tensor d11 = NodeRunner.op("LogSoftmax").opset(1).input(x).run0();
    assertClose(x.shape(), softmax(xv, 2, 12, 1, true), d11, 1e-12);
    Tensor d13 = NodeRunner.op("LogSoftmax").opset(13).input(random(2, 2, 3, 4)).run0();
    assertClose(x.shape(), softmax(values(random(2, 2, 3, 4)), 6, 4, 1, true), d13, 1e-6);
  }

  @Test
  void hardmaxPicksTheFirstMaximumAndNaN() {
    Tensor x = Tensor.wrap(new float[] {1, 3, 3, 0, 2, Float.NaN, 5, Float.NaN}, 2, 4);
    Tensor y = NodeRunner.op("Hardmax").opset(13).input(x).run0();
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1, 0, 0}, y.floats());
    Tensor y11 = NodeRunner.op("Hardmax").opset(11).attr("axis", 0L).input(x).run0();
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 0}, y11.floats());
  }

  @Test
  void largeValuesDoNotOverflow() {
    Tensor x = Tensor.wrap(new float[] {1000, 1001, 1002}, 1, 3);
    Tensor y = NodeRunner.op("Softmax").opset(13).input(x).run0();
    double[] e = softmax(new double[] {0, 1, 2}, 1, 3, 1, false);
    assertClose(new int[] {1, 3}, e, y, 1e-6);
  }

  @Test
  void badAxisIsAClearError() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Softmax").opset(13).attr("axis", 2L).input(random(1, 2, 3)).run0());
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Hardmax")
                    .opset(13)
                    .attr("axis", -3L)
                    .dynamic()
                    .input(random(1, 2, 3))
                    .run0());
    assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("Softmax").input(Tensor.wrap(new int[2], 2)).run0());
    assertTrue(e.getMessage().contains("expected one of"), e.getMessage());
  }
}
