package dev.ledge.ops.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DftOpTest {
  /** The definition for one complex signal: sum_n x[n] exp(sign 2 pi i k n / len). */
  private static double[][] dft(double[] re, double[] im, int len, boolean inverse) {
    double[] or = new double[len];
    double[] oi = new double[len];
    for (int k = 0; k < len; k++) {
      for (int n = 0; n < Math.min(len, re.length); n++) {
        double a = (inverse ? 2 : -2) * Math.PI * k * n / len;
        or[k] += re[n] * Math.cos(a) - im[n] * Math.sin(a);
        oi[k] += re[n] * Math.sin(a) + im[n] * Math.cos(a);
      }
      if (inverse) {
        or[k] /= len;
        oi[k] /= len;
      }
    }
    return new double[][] {or, oi};
  }

  @Test
  void complexForwardAlongAMiddleAxisWithPadding() {
    Random rnd = new Random(2);
    int rows = 3;
    int n = 7;
    int cols = 2;
    double[] data = new double[rows * n * cols * 2];
    for (int i = 0; i < data.length; i++) {
      data[i] = rnd.nextGaussian();
    }
    Tensor x = Tensor.wrap(data, rows, n, cols, 2);
    Tensor y =
        NodeHarness.op("DFT", 20)
            .input("x", x)
            .constant("len", Tensor.scalar(9L))
            .constant("axis", Tensor.scalar(1L))
            .run1();
    assertArrayEquals(new int[] {rows, 9, cols, 2}, y.shape());
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double[] re = new double[n];
        double[] im = new double[n];
        for (int j = 0; j < n; j++) {
          re[j] = data[((r * n + j) * cols + c) * 2];
          im[j] = data[((r * n + j) * cols + c) * 2 + 1];
        }
        double[][] want = dft(re, im, 9, false);
        for (int k = 0; k < 9; k++) {
          assertEquals(want[0][k], y.getDouble(((r * 9 + k) * cols + c) * 2), 1e-12);
          assertEquals(want[1][k], y.getDouble(((r * 9 + k) * cols + c) * 2 + 1), 1e-12);
        }
      }
    }
  }

  @Test
  void onesidedRealForwardThenIrfftRoundTripsOddLengths() {
    float[] signal = {3, -1, 4, 1, -5, 9, 2};
    Tensor x = Tensor.wrap(signal, 1, 7, 1);
    Tensor spectrum =
        NodeHarness.op("DFT", 17).input("x", x).attr(Attribute.of("onesided", 1L)).run1();
    assertArrayEquals(new int[] {1, 4, 2}, spectrum.shape());
    Tensor back =
        NodeHarness.op("DFT", 17)
            .input("x", spectrum)
            .constant("len", Tensor.scalar(7L))
            .attr(Attribute.of("onesided", 1L))
            .attr(Attribute.of("inverse", 1L))
            .run1();
    assertArrayEquals(new int[] {1, 7, 1}, back.shape());
    float[] got = back.toFloatArray();
    for (int i = 0; i < 7; i++) {
      assertEquals(signal[i], got[i], 1e-5);
    }
    // Without dft_length the one-sided inverse has length 2 * (4 - 1) = 6.
    Tensor even =
        NodeHarness.op("DFT", 17)
            .input("x", spectrum)
            .attr(Attribute.of("onesided", 1L))
            .attr(Attribute.of("inverse", 1L))
            .run1();
    assertArrayEquals(new int[] {1, 6, 1}, even.shape());
  }

  @Test
  void inverseUndoesForward() {
    Tensor x = Tensor.wrap(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 5, 2);
    Tensor f = NodeHarness.op("DFT", 20).input("x", x).run1();
    Tensor b = NodeHarness.op("DFT", 20).input("x", f).attr(Attribute.of("inverse", 1L)).run1();
    for (int i = 0; i < 10; i++) {
      assertEquals(i + 1, b.getDouble(i), 1e-12);
    }
  }

  @Test
  void axisAndLengthKnownOnlyAtRunTime() {
    Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 4, 1);
    Tensor y =
        NodeHarness.op("DFT", 20)
            .dynamicInput("x", x)
            .input("len", Tensor.scalar(2L))
            .input("axis", Tensor.scalar(-2L))
            .run1();
    assertArrayEquals(new float[] {3, 0, -1, 0}, y.toFloatArray());
  }

  @Test
  void badInputs() {
    LedgeException last =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("DFT", 20)
                    .input("x", Tensor.allocate(dev.ledge.tensor.DType.FLOAT32, 1, 4, 3))
                    .run1());
    assertTrue(last.getMessage().contains("1 (real) or 2 (complex)"), last.getMessage());
    LedgeException axis =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("DFT", 20)
                    .input("x", Tensor.allocate(dev.ledge.tensor.DType.FLOAT32, 1, 4, 1))
                    .omitted()
                    .constant("axis", Tensor.scalar(-1L))
                    .run1());
    assertTrue(axis.getMessage().contains("out of range"), axis.getMessage());
    LedgeException length =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("DFT", 17)
                    .input("x", Tensor.allocate(dev.ledge.tensor.DType.FLOAT32, 1, 4, 1))
                    .input("len", Tensor.scalar(0L))
                    .run1());
    assertTrue(length.getMessage().contains("dft_length"), length.getMessage());
    LedgeException attr =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("DFT", 20)
                    .input("x", Tensor.allocate(dev.ledge.tensor.DType.FLOAT32, 1, 4, 1))
                    .attr(Attribute.of("axis", 1L))
                    .run1());
    assertTrue(attr.getMessage().contains("is an input"), attr.getMessage());
  }
}
