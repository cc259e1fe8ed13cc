package dev.ledge.kernels;

/**
 * The float32 GEMM used by operators: {@link VectorGemm} when the {@link KernelProvider} chose SIMD
 * kernels, else {@link ReferenceGemm}. Same contract as {@link ReferenceGemm#sgemm}.
 */
public final class Gemm {
  private static final boolean SIMD = KernelProvider.current().simd();

  /** Below this many flops a GEMM runs on one thread: waking workers would cost more. */
  static final double PARALLEL_MIN_FLOPS = 4e6;

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

  /**
   * {@code C = epilogue(alpha * op(A) * op(B) + beta * C)}, the epilogue (a fused activation, null
   * for none) applied in place: by {@link VectorGemm} to each tile as it is completed, after the
   * reference GEMM to each row of C.
   */
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
      int ldc,
      FloatUnaryKernel epilogue) {
    if (SIMD) {
      VectorGemm.sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, epilogue);
      return;
    }
    ReferenceGemm.sgemm(
        transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    if (epilogue != null) {
      for (int i = 0; i < m; i++) {
        epilogue.apply(c, cOff + i * ldc, c, cOff + i * ldc, n);
      }
    }
  }

  /**
   * The same GEMM split across up to {@code threads} threads along independent blocks of C (rows or
   * columns, whichever has more blocks). Each element of C is computed by exactly one thread in the
   * same order as single-threaded, so results do not depend on the thread count.
   */
  public static void sgemm(
      int threads,
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
    sgemm(
        threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
        null);
  }

  /**
   * The threaded GEMM with an epilogue (see above): each thread applies it to the part of C it
   * computed. The epilogue must be elementwise, so that results do not depend on the split.
   */
  public static void sgemm(
      int threads,
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
      int ldc,
      FloatUnaryKernel epilogue) {
    double flops = 2.0 * m * n * k;
    if (threads <= 1 || flops < PARALLEL_MIN_FLOPS) {
      sgemm(
          transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, epilogue);
      return;
    }
    int rowBlock = VectorGemm.MR * 4;
    int colBlock = VectorGemm.NR * 4;
    int rowParts = (m + rowBlock - 1) / rowBlock;
    int colParts = (n + colBlock - 1) / colBlock;
    boolean byColumns = colParts >= rowParts;
    int blocks = byColumns ? colParts : rowParts;
    int parts = Math.min(threads, blocks);
    int blockSize = byColumns ? colBlock : rowBlock;
    int perPart = (blocks + parts - 1) / parts * blockSize;
    int total = byColumns ? n : m;
    Parallel.forEach(
        threads,
        parts,
        p -> {
          int start = p * perPart;
          int len = Math.min(perPart, total - start);
          if (len <= 0) {
            return;
          }
          if (byColumns) {
            sgemm(
                transA,
                transB,
                m,
                len,
                k,
                alpha,
                a,
                aOff,
                lda,
                b,
                bOff + (transB ? start * ldb : start),
                ldb,
                beta,
                c,
                cOff + start,
                ldc,
                epilogue);
          } else {
            sgemm(
                transA,
                transB,
                len,
                n,
                k,
                alpha,
                a,
                aOff + (transA ? start : start * lda),
                lda,
                b,
                bOff,
                ldb,
                beta,
                c,
                cOff + start * ldc,
                ldc,
                epilogue);
          }
        });
  }
}
