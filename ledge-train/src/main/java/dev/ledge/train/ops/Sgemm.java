package dev.ledge.train.ops;

import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.VectorGemm;

/**
 * {@code C = alpha * op(A) * op(B) + beta * C} in float32, row-major with leading dimensions: the
 * runtime's SIMD GEMM when the Vector API is in use, else plain loops.
 */
final class Sgemm {
  private static final boolean SIMD = KernelProvider.current().simd();

  private Sgemm() {}

  static void sgemm(
      boolean transA,
      boolean transB,
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
    if (SIMD) {
      VectorGemm.sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, row, row + n, 0f);
      } else if (beta != 1f) {
        for (int j = 0; j < n; j++) {
          c[row + j] *= beta;
        }
      }
      for (int p = 0; p < k; p++) {
        float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        if (transB) {
          for (int j = 0; j < n; j++) {
            c[row + j] += av * b[bOff + j * ldb + p];
          }
        } else {
          int br = bOff + p * ldb;
          for (int j = 0; j < n; j++) {
            c[row + j] += av * b[br + j];
          }
        }
      }
    }
  }
}
