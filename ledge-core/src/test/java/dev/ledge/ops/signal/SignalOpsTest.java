package dev.ledge.ops.signal;

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

class SignalOpsTest {
  @Test
  void stftMatchesFramewiseDft() {
    double[] s = new double[20];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.sin(i * 0.7) + 0.1 * i;
    }
    Tensor x = Tensor.wrap(s, 1, 20, 1);
    double[] w = {0.5, 1, 1, 0.5, 0.25, 0.1};
    Tensor y =
        NodeHarness.op("STFT", 17)
            .input("x", x)
            .input("step", Tensor.scalar(4L))
            .input("w", Tensor.wrap(w, 6))
            .run1();
    // frames = (20 - 6) / 4 + 1 = 4; bins = 6 / 2 + 1 = 4
    assertArrayEquals(new int[] {1, 4, 4, 2}, y.shape());
    for (int f = 0; f < 4; f++) {
      for (int k = 0; k < 4; k++) {
        double re = 0;
        double im = 0;
        for (int n = 0; n < 6; n++) {
          double a = -2 * Math.PI * k * n / 6;
          re += s[f * 4 + n] * w[n] * Math.cos(a);
          im += s[f * 4 + n] * w[n] * Math.sin(a);
        }
        assertEquals(re, y.getDouble((f * 4 + k) * 2), 1e-12);
        assertEquals(im, y.getDouble((f * 4 + k) * 2 + 1), 1e-12);
      }
    }
  }

  @Test
  void stftErrors() {
    Tensor x = Tensor.allocate(DType.FLOAT32, 1, 10, 1);
    LedgeException mismatch =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("STFT", 17)
                    .input("x", x)
                    .input("step", Tensor.scalar(2L))
                    .input("w", Tensor.allocate(DType.FLOAT32, 4))
                    .input("len", Tensor.scalar(5L))
                    .run1());
    assertTrue(mismatch.getMessage().contains("frame_length is 5"), mismatch.getMessage());
    LedgeException step =
        assertThrows(
            LedgeException.class,
            () -> NodeHarness.op("STFT", 17).input("x", x).input("step", Tensor.scalar(0L)).run1());
    assertTrue(step.getMessage().contains("frame_step"), step.getMessage());
  }

  @Test
  void windows() {
    Tensor hann = NodeHarness.op("HannWindow", 17).input("n", Tensor.scalar(4L)).run1();
    assertArrayEquals(new float[] {0, 0.5f, 1, 0.5f}, hann.toFloatArray(), 1e-7f);
    Tensor sym =
        NodeHarness.op("HammingWindow", 17)
            .input("n", Tensor.scalar(3L))
            .attr(Attribute.of("periodic", 0L))
            .attr(Attribute.of("output_datatype", (long) DType.FLOAT64.onnxCode()))
            .run1();
    assertEquals(DType.FLOAT64, sym.dtype());
    assertEquals(4.0 / 46, sym.getDouble(0), 1e-15);
    assertEquals(1.0, sym.getDouble(1), 1e-15);
    Tensor black = NodeHarness.op("BlackmanWindow", 17).input("n", Tensor.scalar(0L)).run1();
    assertEquals(0, black.size());
    LedgeException neg =
        assertThrows(
            LedgeException.class,
            () -> NodeHarness.op("HannWindow", 17).input("n", Tensor.scalar(-1L)).run1());
    assertTrue(neg.getMessage().contains("window size"), neg.getMessage());
    LedgeException type =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("HannWindow", 17)
                    .input("n", Tensor.scalar(2L))
                    .attr(Attribute.of("output_datatype", (long) DType.STRING.onnxCode()))
                    .run1());
    assertTrue(type.getMessage().contains("output_datatype"), type.getMessage());
  }

  private static NodeHarness mel(long bins, long dft, long rate, float low, float high) {
    return NodeHarness.op("MelWeightMatrix", 17)
        .input("bins", Tensor.scalar(bins))
        .input("dft", Tensor.scalar(dft))
        .input("rate", Tensor.scalar(rate))
        .input("low", Tensor.scalar(low))
        .input("high", Tensor.scalar(high));
  }

  @Test
  void melWeightMatrix() {
    Tensor m = mel(4, 64, 16000, 0, 8000).run1();
    assertArrayEquals(new int[] {33, 4}, m.shape());
    for (int f = 0; f < 4; f++) {
      float peak = 0;
      for (int r = 0; r < 33; r++) {
        float v = m.getFloat(r * 4 + f);
        assertTrue(v >= 0 && v <= 1);
        peak = Math.max(peak, v);
      }
      assertEquals(1f, peak, "filter " + f + " peaks at 1");
    }
    LedgeException high =
        assertThrows(LedgeException.class, () -> mel(4, 64, 16000, 0, 20000).run1());
    assertTrue(high.getMessage().contains("outside"), high.getMessage());
    LedgeException zero =
        assertThrows(LedgeException.class, () -> mel(0, 64, 16000, 0, 100).run1());
    assertTrue(zero.getMessage().contains(">= 1"), zero.getMessage());
  }
}
