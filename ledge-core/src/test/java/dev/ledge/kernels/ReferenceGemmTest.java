package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReferenceGemmTest {
  /** op(X)(i, j) of a row-major matrix stored at off with leading dimension ld. */
  private static double at(double[] x, int off, int ld, boolean trans, int i, int j) {
    return trans ? x[off + j * ld + i] : x[off + i * ld + j];
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static double[] random(SplittableRandom r, int n) {
    double[] d = new double[n];
    for (int i = 0; i < d.length; i++) {
      // Values exact in float, so float and double products see the same inputs.
      d[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return d;
  }

  @Test
  void sgemmAndDgemmMatchTheDefinitionOnOddShapesAndStrides() {
    SplittableRandom r = new SplittableRandom(42);
    int[][] shapes = {
      {1, 1, 1},
      {3, 5, 7},
      {4, 4, 4},
      {5, 300, 9},
      {17, 3, 260},
      {9, 513, 2},
      {2, 1, 600},
      {1, 700, 3},
      {33, 31, 257},
      {0, 4, 3},
      {3, 0, 4},
      {3, 4, 0}
    };
    for (int[] s : shapes) {
      for (int tr = 0; tr < 4; tr++) {
        boolean ta = (tr & 1) != 0;
        boolean tb = (tr & 2) != 0;
        int m = s[0];
        int n = s[1];
        int k = s[2];
        // Leading dims larger than needed and non-zero offsets, to catch stride mistakes.
        int lda = (ta ? m : k) + 3;
        int ldb = (tb ? k : n) + 2;
        int ldc = n + 5;
        int aOff = 7;
        int bOff = 3;
        int cOff = 11;
        double[] a = random(r, aOff + (ta ? k : m) * lda);
        double[] b = random(r, bOff + (tb ? n : k) * ldb);
        double[] c = random(r, cOff + m * ldc);
        double alpha = 0.75;
        double beta = tr == 3 ? 0 : -1.5;
        double[] expected = c.clone();
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int p = 0; p < k; p++) {
              sum += at(a, aOff, lda, ta, i, p) * at(b, bOff, ldb, tb, p, j);
            }
            double old = beta == 0 ? 0 : beta * c[cOff + i * ldc + j];
            expected[cOff + i * ldc + j] = alpha * sum + old;
          }
        }
        float[] cf = toFloats(c);
        ReferenceGemm.sgemm(
            ta,
            tb,
            m,
            n,
            k,
            (float) alpha,
            toFloats(a),
            aOff,
            lda,
            toFloats(b),
            bOff,
            ldb,
            (float) beta,
            cf,
            cOff,
            ldc);
        double[] cd = c.clone();
        ReferenceGemm.dgemm(
            ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cd, cOff, ldc);
        for (int i = 0; i < c.length; i++) {
          double e = expected[i];
          String what = "shape " + m + "x" + n + "x" + k + " trans " + tr + " at " + i;
          assertEquals(e, cf[i], 1e-5 * (1 + Math.abs(e)) + 1e-4 * Math.sqrt(k), what);
          assertEquals(e, cd[i], 1e-12 * (1 + k), what);
        }
      }
    }
  }

  @Test
  void betaZeroOverwritesNaN() {
    float[] c = {Float.NaN, Float.NaN};
    ReferenceGemm.sgemm(
        false, false, 1, 2, 1, 1f, new float[] {2}, 0, 1, new float[] {3, 4}, 0, 2, 0f, c, 0, 2);
    assertArrayEquals(new float[] {6, 8}, c);
    double[] d = {Double.NaN};
    ReferenceGemm.dgemm(
        false, false, 1, 1, 0, 1, new double[0], 0, 1, new double[0], 0, 1, 0, d, 0, 1);
    assertEquals(0, d[0]);
  }

  @Test
  void integerGemmWrapsLikeTheNarrowType() {
    int[] a = {Integer.MAX_VALUE, 2};
    int[] b = {2, 3};
    int[] c = new int[1];
    ReferenceGemm.igemm(false, false, 1, 1, 2, a, 0, 2, b, 0, 1, false, c, 0, 1);
    assertEquals(Integer.MAX_VALUE * 2 + 6, c[0]);
    long[] la = {1, 2, 3, 4};
    long[] lb = {5, 6, 7, 8};
    long[] lc = {100, 100, 100, 100};
    ReferenceGemm.lgemm(true, true, 2, 2, 2, la, 0, 2, lb, 0, 2, true, lc, 0, 2);
    // A^T = [[1,3],[2,4]], B^T = [[5,7],[6,8]]
    assertArrayEquals(new long[] {100 + 23, 100 + 31, 100 + 34, 100 + 46}, lc);
  }

  @Test
  void floatAccumulationIsMoreAccurateThanFloatSums() {
    // 1 + many tiny terms: a float running sum would lose them all.
    int k = 4096;
    float[] a = new float[k];
    float[] b = new float[k * 4];
    a[0] = 1;
    for (int p = 1; p < k; p++) {
      a[p] = 1e-8f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = 1;
    }
    float[] c = new float[4];
    ReferenceGemm.sgemm(false, false, 1, 4, k, 1f, a, 0, k, b, 0, 4, 0f, c, 0, 4);
    assertTrue(c[0] > 1f, "sum " + c[0]);
  }
}
