package dev.ledge.ops.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ledge.kernels.FloatUnaryKernel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The activations of the fused ops: both float32 kernels (SIMD and reference, whichever the JVM
 * uses elsewhere) in place against the standalone operators' reference, the double form, and the
 * checks of names and parameters.
 */
class FusedActivationTest {
  private static final List<FusedActivation> ALL =
      List.of(
          FusedActivation.of("Relu", new float[0]),
          FusedActivation.of("Clip", new float[] {-0.5f, 6f}),
          FusedActivation.of("Clip", new float[] {Float.NEGATIVE_INFINITY, 0.25f}),
          FusedActivation.of("LeakyRelu", new float[] {0.1f}),
          FusedActivation.of("HardSigmoid", new float[] {0.3f, 0.4f}),
          FusedActivation.of("HardSwish", new float[0]),
          FusedActivation.of("Sigmoid", new float[0]),
          FusedActivation.of("Tanh", new float[0]),
          FusedActivation.of("SiLU", new float[0]));

  /** The standalone operator's function in double (SiLU: Sigmoid, rounded to float, times x). */
  private static double reference(FusedActivation a, float x) {
    float[] p = a.params();
    return switch (a.name()) {
      case "Relu" -> Math.max(x, 0);
      case "Clip" -> Math.min(Math.max(x, p[0]), p[1]);
      case "LeakyRelu" -> x >= 0 ? x : (double) p[0] * x;
      case "HardSigmoid" -> Math.max(0, Math.min(1, (double) p[0] * x + p[1]));
      case "HardSwish" -> x * Math.max(0, Math.min(1, x / 6.0 + 0.5));
      case "Sigmoid" -> 1 / (1 + Math.exp(-(double) x));
      case "Tanh" -> Math.tanh(x);
      case "SiLU" -> x * (double) (float) (1 / (1 + Math.exp(-(double) x)));
      default -> throw new AssertionError(a.name());
    };
  }

  @Test
  void bothFloat32KernelsMatchTheOperatorsInPlace() {
    Random r = new Random(5);
    for (FusedActivation a : ALL) {
      for (boolean simd : new boolean[] {false, true}) {
        FloatUnaryKernel k = a.float32(simd);
        for (int n : new int[] {1, 3, 7, 16, 31, 33, 100}) {
          float[] x = new float[n + 2];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 5);
          }
          float[] y = x.clone();
          k.apply(y, 1, y, 1, n);
          assertEquals(x[0], y[0]);
          assertEquals(x[n + 1], y[n + 1]);
          for (int i = 1; i <= n; i++) {
            double want = reference(a, x[i]);
            if (!(Math.abs(want - y[i]) <= 1e-6 + 1e-5 * Math.abs(want))) {
              fail(a + (simd ? " SIMD" : " reference") + "(" + x[i] + "): " + want + " vs " + y[i]);
            }
          }
        }
      }
    }
  }

  @Test
  void doubleFormIsTheFunctionItself() {
    FusedActivation silu = FusedActivation.of("SiLU", new float[0]);
    for (double x : new double[] {-30, -1.5, 0, 0.1, 7}) {
      assertEquals(x / (1 + Math.exp(-x)), silu.apply(x), 1e-15);
    }
    assertEquals(0.5, FusedActivation.of("Clip", new float[] {-1f, 0.5f}).apply(0.75), 0);
    assertEquals(-0.2, FusedActivation.of("LeakyRelu", new float[] {0.1f}).apply(-2), 1e-8);
  }

  @Test
  void namesAndParametersAreChecked() {
    assertEquals(
        List.of("Relu", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Sigmoid", "Tanh", "SiLU"),
        FusedActivation.NAMES);
    for (String[] bad :
        new String[][] {{"Gelu", ""}, {"Relu", "1"}, {"Clip", "0"}, {"LeakyRelu", ""}}) {
      float[] p = bad[1].isEmpty() ? new float[0] : new float[] {Float.parseFloat(bad[1])};
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FusedActivation.of(bad[0], p));
      assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class, () -> FusedActivation.of("Clip", new float[] {1f, -1f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> FusedActivation.of("Clip", new float[] {Float.NaN, 1f}));
    float[] p = {0.2f, 0.5f};
    FusedActivation a = FusedActivation.of("HardSigmoid", p);
    p[0] = 9;
    assertEquals("HardSigmoid[0.2, 0.5]", a.toString());
    assertTrue(Arrays.equals(new float[] {0.2f, 0.5f}, a.params()));
  }
}
