package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FftTest {
  /** The O(n^2) definition, in double, as the oracle. */
  private static double[][] naive(double[] re, double[] im, boolean inverse) {
    int n = re.length;
    double[] or = new double[n];
    double[] oi = new double[n];
    double sign = inverse ? 1 : -1;
    for (int k = 0; k < n; k++) {
      double sr = 0;
      double si = 0;
      for (int j = 0; j < n; j++) {
        double a = sign * 2 * Math.PI * (((long) k * j) % n) / n;
        sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
        si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
      }
      or[k] = sr;
      oi[k] = si;
    }
    return new double[][] {or, oi};
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 16, 17, 31, 32, 100, 127, 256, 1000})
  void matchesTheDefinition(int n) {
    Random rnd = new Random(n);
    double[] re = new double[n];
    double[] im = new double[n];
    for (int i = 0; i < n; i++) {
      re[i] = rnd.nextGaussian();
      im[i] = rnd.nextGaussian();
    }
    for (boolean inverse : new boolean[] {false, true}) {
      double[][] want = naive(re, im, inverse);
      double[] r = re.clone();
      double[] i = im.clone();
      Fft fft = Fft.plan(n);
      if (inverse) {
        fft.inverse(r, i);
      } else {
        fft.forward(r, i);
      }
      for (int k = 0; k < n; k++) {
        assertEquals(want[0][k], r[k], 1e-9 * n, "re[" + k + "] n=" + n);
        assertEquals(want[1][k], i[k], 1e-9 * n, "im[" + k + "] n=" + n);
      }
    }
  }

  @Test
  void roundTripScalesByLength() {
    int n = 24;
    double[] re = new double[n];
    double[] im = new double[n];
    for (int i = 0; i < n; i++) {
      re[i] = i;
      im[i] = -2 * i;
    }
    Fft fft = Fft.plan(n);
    double[] scratch = new double[fft.scratchSize()];
    double[] r = re.clone();
    double[] i = im.clone();
    fft.transform(r, i, false, scratch);
    fft.transform(r, i, true, scratch);
    for (int k = 0; k < n; k++) {
      assertEquals(re[k] * n, r[k], 1e-9);
      assertEquals(im[k] * n, i[k], 1e-9);
    }
  }

  @Test
  void rejectsBadLengthsAndShortArrays() {
    assertThrows(IllegalArgumentException.class, () -> Fft.plan(0));
    assertThrows(IllegalArgumentException.class, () -> Fft.plan(Fft.MAX_LENGTH + 1));
    Fft fft = Fft.plan(6);
    assertThrows(IllegalArgumentException.class, () -> fft.forward(new double[5], new double[6]));
    assertThrows(
        IllegalArgumentException.class,
        () -> fft.transform(new double[6], new double[6], false, new double[1]));
  }
}
