package dev.ledge.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** VectorGemm against a plain triple loop in double precision, on tiny, odd and tail shapes. */
class VectorGemmTest {
  private static void naive(
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double x = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          double y = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += x * y;
        }
        int at = cOff + i * ldc + j;
        c[at] = (float) (alpha * s + (beta == 0 ? 0 : beta * c[at]));
      }
    }
  }

  @Test
  void matchesTheDefinitionOnRandomShapes() {
    Random r = new Random(42);
    int[][] shapes = {
      {1, 1, 1},
      {1, 7, 3},
      {5, 1, 9},
      {6, 32, 1},
      {7, 33, 17},
      {13, 70, 300},
      {64, 64, 64},
      {100, 3, 257},
      {145, 161, 70},
      {2, 1000, 5}
    };
    for (int[] s : shapes) {
      for (int variant = 0; variant < 4; variant++) {
        boolean ta = (variant & 1) != 0;
        boolean tb = (variant & 2) != 0;
        int m = s[0], n = s[1], k = s[2];
        int lda = (ta ? m : k) + r.nextInt(3);
        int ldb = (tb ? k : n) + r.nextInt(3);
        int ldc = n + r.nextInt(3);
        float[] a = random(r, (ta ? k : m) * lda + 5);
        float[] b = random(r, (tb ? n : k) * ldb + 5);
        float[] c1 = random(r, m * ldc + 5);
        float[] c2 = c1.clone();
        float alpha = variant == 3 ? 0.5f : 1f;
        float beta = variant == 0 ? 0f : 0.25f * variant;
        naive(ta, tb, m, n, k, alpha, a, 3, lda, b, 2, ldb, beta, c1, 1, ldc);
        VectorGemm.sgemm(ta, tb, m, n, k, alpha, a, 3, lda, b, 2, ldb, beta, c2, 1, ldc);
        for (int i = 0; i < c1.length; i++) {
          assertEquals(
              c1[i],
              c2[i],
              1e-4 * Math.max(1, Math.abs(c1[i])) * Math.sqrt(k),
              "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " at " + i);
        }
      }
    }
  }

  private static float[] random(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextFloat() * 2 - 1;
    }
    return x;
  }
}
