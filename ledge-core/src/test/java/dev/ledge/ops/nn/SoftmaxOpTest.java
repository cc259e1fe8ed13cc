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

  /**
   * Float32 (the SIMD kernel unless -Dledge.kernels=scalar) against the double definition, over
   * rows and strided columns with tails, wide value ranges, -inf entries and NaN rows.
   */
  @Test
  void float32MatchesTheDefinitionOnTailsAndSpecialValues() {
    int[][] shapes = {
      {1, 1}, {3, 7}, {2, 33}, {1, 1000}, {5, 1000}, {2, 5, 3}, {1, 4, 17}, {2, 3, 40}, {3, 40, 50}
    };
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    for (int[] shape : shapes) {
      for (int axis = 0; axis < shape.length; axis++) {
        for (boolean log : new boolean[] {false, true}) {
          Tensor x = Tensor.allocate(DType.FLOAT32, shape);
          for (int i = 0; i < x.size(); i++) {
            double u = r.nextDouble();
            x.setDouble(i, u < 0.05 ? Double.NEGATIVE_INFINITY : (r.nextDouble() - 0.5) * 60);
          }
          int outer = 1;
          for (int d = 0; d < axis; d++) {
            outer *= shape[d];
          }
          int stride = 1;
          for (int d = axis + 1; d < shape.length; d++) {
            stride *= shape[d];
          }
          Tensor y =
              NodeRunner.op(log ? "LogSoftmax" : "Softmax")
                  .opset(13)
                  .attr("axis", (long) axis)
                  .input(x)
                  .run0();
          double[] want = softmax(values(x), outer, shape[axis], stride, log);
          for (int i = 0; i < want.length; i++) {
            double got = y.getDouble(i);
            double tol = 2e-6 * Math.abs(want[i]) + (log ? 1e-5 : 1e-7);
            if (Double.isNaN(want[i]) != Double.isNaN(got) || Math.abs(got - want[i]) > tol) {
              throw new AssertionError(
                  java.util.Arrays.toString(shape)
                      + " axis "
                      + axis
                      + (log ? " log" : "")
                      + " element "
                      + i
                      + ": "
                      + got
                      + ", expected "
                      + want[i]);
            }
          }
        }
      }
    }
    // A NaN or +inf anywhere in a row makes that row NaN, as in the reference.
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      float[] v = new float[40];
      v[37] = bad;
      Tensor y = NodeRunner.op("Softmax").opset(13).input(Tensor.wrap(v, 2, 20)).run0();
      assertTrue(Float.isNaN(y.floats()[20]) && Float.isNaN(y.floats()[39]));
      assertTrue(Math.abs(y.floats()[0] - 0.05f) < 1e-7);
    }
  }
}
