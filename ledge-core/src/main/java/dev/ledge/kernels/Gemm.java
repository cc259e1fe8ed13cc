package dev.ledge.kernels;

/**
 * The float32 GEMM used by operators: {@link VectorGemm} when the {@link KernelProvider} chose SIMD
 * kernels, else {@link ReferenceGemm}. Same contract as {@link ReferenceGemm#sgemm}.
 */
public final class Gemm {
  private static final boolean SIMD = KernelProvider.current().simd();

  private Gemm() {}

  /** {@code C = alpha * op(A) * op(B) + beta * C}, row-major with leading dimensions. */
  public static void sgemm(
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
    } else {
      ReferenceGemm.sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
  }
}
