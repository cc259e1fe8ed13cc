package dev.ledge.kernels;

/**
 * Reference (scalar Java) general matrix multiplication on row-major matrices:
 *
 * <pre>C = alpha * op(A) * op(B) + beta * C</pre>
 *
 * where {@code op(X)} is X or its transpose, {@code op(A)} is m x k, {@code op(B)} is k x n and C
 * is m x n. Each matrix is given by an array, the index of its element (0, 0) and its leading
 * dimension (the distance between the starts of two consecutive rows as stored).
 *
 * <p>As in BLAS, {@code beta == 0} means C is overwritten (its old contents, even NaN, are not
 * read), and {@code alpha == 0} or {@code k == 0} leaves {@code beta * C}.
 *
 * <p>The float and double versions are blocked so that a KC x NC panel of op(B) stays in cache
 * while every row of A streams past it, and the innermost loop is a unit-stride update of four rows
 * of C at once. A transposed B is packed into a row-major panel first, so the inner loop never
 * strides. The float version accumulates in double (see {@code blockF}). Fast (Vector API) kernels
 * implement the same signatures and are tested against these.
 */
public final class ReferenceGemm {
  /** Rows of op(B) per panel (the depth of one pass over C). */
  private static final int KC = 256;

  /** Columns of op(B) per panel: a KC x NC float panel is 256 KiB, an L2-sized block. */
  private static final int NC = 256;

  private ReferenceGemm() {}

  /** Single-precision GEMM; see the class comment for the argument convention. */
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
    scale(m, n, beta, c, cOff, ldc);
    if (m == 0 || n == 0 || k == 0 || alpha == 0f) {
      return;
    }
    if (n < 4 || (m < 4 && transB)) {
      // Matrix-vector shapes: every element of the big operand is used about once, so packing
      // would cost as much as the product. Dot products straight from the operands.
      dotsF(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    float[] panel = transB ? new float[Math.min(KC, k) * Math.min(NC, n)] : null;
    double[] acc = new double[4 * NC];
    for (int p0 = 0; p0 < k; p0 += KC) {
      int kb = Math.min(KC, k - p0);
      for (int j0 = 0; j0 < n; j0 += NC) {
        int nb = Math.min(NC, n - j0);
        float[] bp;
        int bpOff;
        int ldbp;
        if (transB) {
          // op(B)(p, j) = B(j, p): copy the block so that its rows are contiguous.
          for (int p = 0; p < kb; p++) {
            int src = bOff + j0 * ldb + p0 + p;
            int dst = p * nb;
            for (int j = 0; j < nb; j++) {
              panel[dst + j] = b[src + j * ldb];
            }
          }
          bp = panel;
          bpOff = 0;
          ldbp = nb;
        } else {
          bp = b;
          bpOff = bOff + p0 * ldb + j0;
          ldbp = ldb;
        }
        blockF(transA, m, nb, kb, alpha, a, aOff, lda, p0, bp, bpOff, ldbp, c, cOff + j0, ldc, acc);
      }
    }
  }

  /**
   * C[0:m, 0:nb] += alpha * op(A)[0:m, p0:p0+kb] * Bp[0:kb, 0:nb], four rows of C at a time.
   *
   * <p>The four rows accumulate in {@code acc} (double, rows NC apart) and are added to C once per
   * block. Besides being more accurate, the double accumulator is what lets the JIT vectorize the
   * inner loop: it cannot prove that two float arrays at run-time offsets do not overlap, but a
   * double[] never aliases a float[], and the rows of {@code acc} are constant distances apart.
   */
  private static void blockF(
      boolean transA,
      int m,
      int nb,
      int kb,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      int p0,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      double[] acc) {
    // op(A)(i, p) is at aOff + i * ai + p * ap.
    int ai = transA ? 1 : lda;
    int ap = transA ? lda : 1;
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      for (int r = 0; r < 4; r++) {
        java.util.Arrays.fill(acc, r * NC, r * NC + nb, 0d);
      }
      int a0 = aOff + i * ai + p0 * ap;
      for (int p = 0; p < kb; p++) {
        int ao = a0 + p * ap;
        double x0 = (double) alpha * a[ao];
        double x1 = (double) alpha * a[ao + ai];
        double x2 = (double) alpha * a[ao + 2 * ai];
        double x3 = (double) alpha * a[ao + 3 * ai];
        int bo = bOff + p * ldb;
        for (int j = 0; j < nb; j++) {
          double bv = b[bo + j];
          acc[j] += x0 * bv;
          acc[j + NC] += x1 * bv;
          acc[j + 2 * NC] += x2 * bv;
          acc[j + 3 * NC] += x3 * bv;
        }
      }
      for (int r = 0; r < 4; r++) {
        addRow(acc, r * NC, c, cOff + (i + r) * ldc, nb);
      }
    }
    for (; i < m; i++) {
      java.util.Arrays.fill(acc, 0, nb, 0d);
      int a0 = aOff + i * ai + p0 * ap;
      for (int p = 0; p < kb; p++) {
        double x0 = (double) alpha * a[a0 + p * ap];
        int bo = bOff + p * ldb;
        for (int j = 0; j < nb; j++) {
          acc[j] += x0 * b[bo + j];
        }
      }
      addRow(acc, 0, c, cOff + i * ldc, nb);
    }
  }

  private static void dotsF(
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
      float[] c,
      int cOff,
      int ldc) {
    int ai = transA ? 1 : lda;
    int ap = transA ? lda : 1;
    int bp = transB ? 1 : ldb;
    int bj = transB ? ldb : 1;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int ao = aOff + i * ai;
        int bo = bOff + j * bj;
        double sum;
        if (ap == 1 && bp == 1) {
          // Four independent sums hide the latency of the additions.
          double s0 = 0;
          double s1 = 0;
          double s2 = 0;
          double s3 = 0;
          int p = 0;
          for (; p + 4 <= k; p += 4) {
            s0 += (double) a[ao + p] * b[bo + p];
            s1 += (double) a[ao + p + 1] * b[bo + p + 1];
            s2 += (double) a[ao + p + 2] * b[bo + p + 2];
            s3 += (double) a[ao + p + 3] * b[bo + p + 3];
          }
          for (; p < k; p++) {
            s0 += (double) a[ao + p] * b[bo + p];
          }
          sum = (s0 + s1) + (s2 + s3);
        } else {
          sum = 0;
          for (int p = 0; p < k; p++) {
            sum += (double) a[ao + p * ap] * b[bo + p * bp];
          }
        }
        int co = cOff + i * ldc + j;
        c[co] = (float) (c[co] + alpha * sum);
      }
    }
  }

  private static void addRow(double[] acc, int accOff, float[] c, int cOff, int n) {
    for (int j = 0; j < n; j++) {
      c[cOff + j] = (float) (c[cOff + j] + acc[accOff + j]);
    }
  }

  private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, row, row + n, 0f);
      } else {
        for (int j = 0; j < n; j++) {
          c[row + j] *= beta;
        }
      }
    }
  }

  /** Double-precision GEMM; same convention and structure as {@link #sgemm}. */
  public static void dgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      double[] a,
      int aOff,
      int lda,
      double[] b,
      int bOff,
      int ldb,
      double beta,
      double[] c,
      int cOff,
      int ldc) {
    scale(m, n, beta, c, cOff, ldc);
    if (m == 0 || n == 0 || k == 0 || alpha == 0d) {
      return;
    }
    double[] panel = transB ? new double[Math.min(KC, k) * Math.min(NC, n)] : null;
    for (int p0 = 0; p0 < k; p0 += KC) {
      int kb = Math.min(KC, k - p0);
      for (int j0 = 0; j0 < n; j0 += NC) {
        int nb = Math.min(NC, n - j0);
        double[] bp;
        int bpOff;
        int ldbp;
        if (transB) {
          for (int p = 0; p < kb; p++) {
            int src = bOff + j0 * ldb + p0 + p;
            int dst = p * nb;
            for (int j = 0; j < nb; j++) {
              panel[dst + j] = b[src + j * ldb];
            }
          }
          bp = panel;
          bpOff = 0;
          ldbp = nb;
        } else {
          bp = b;
          bpOff = bOff + p0 * ldb + j0;
          ldbp = ldb;
        }
        blockD(transA, m, nb, kb, alpha, a, aOff, lda, p0, bp, bpOff, ldbp, c, cOff + j0, ldc);
      }
    }
  }

  private static void blockD(
      boolean transA,
      int m,
      int nb,
      int kb,
      double alpha,
      double[] a,
      int aOff,
      int lda,
      int p0,
      double[] b,
      int bOff,
      int ldb,
      double[] c,
      int cOff,
      int ldc) {
    int ai = transA ? 1 : lda;
    int ap = transA ? lda : 1;
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int c0 = cOff + i * ldc;
      int c1 = c0 + ldc;
      int c2 = c1 + ldc;
      int c3 = c2 + ldc;
      int a0 = aOff + i * ai + p0 * ap;
      for (int p = 0; p < kb; p++) {
        int ao = a0 + p * ap;
        double x0 = alpha * a[ao];
        double x1 = alpha * a[ao + ai];
        double x2 = alpha * a[ao + 2 * ai];
        double x3 = alpha * a[ao + 3 * ai];
        int bo = bOff + p * ldb;
        for (int j = 0; j < nb; j++) {
          double bv = b[bo + j];
          c[c0 + j] += x0 * bv;
          c[c1 + j] += x1 * bv;
          c[c2 + j] += x2 * bv;
          c[c3 + j] += x3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      int c0 = cOff + i * ldc;
      int a0 = aOff + i * ai + p0 * ap;
      for (int p = 0; p < kb; p++) {
        double x0 = alpha * a[a0 + p * ap];
        int bo = bOff + p * ldb;
        for (int j = 0; j < nb; j++) {
          c[c0 + j] += x0 * b[bo + j];
        }
      }
    }
  }

  private static void scale(int m, int n, double beta, double[] c, int cOff, int ldc) {
    if (beta == 1d) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (beta == 0d) {
        java.util.Arrays.fill(c, row, row + n, 0d);
      } else {
        for (int j = 0; j < n; j++) {
          c[row + j] *= beta;
        }
      }
    }
  }

  /**
   * 64-bit integer GEMM without scaling: C = op(A) * op(B) (+ C if {@code accumulate}), wrapping on
   * overflow like two's-complement hardware. Also serves uint64 (same bits).
   */
  public static void lgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      long[] a,
      int aOff,
      int lda,
      long[] b,
      int bOff,
      int ldb,
      boolean accumulate,
      long[] c,
      int cOff,
      int ldc) {
    int ai = transA ? 1 : lda;
    int ap = transA ? lda : 1;
    int bp = transB ? 1 : ldb;
    int bj = transB ? ldb : 1;
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (!accumulate) {
        java.util.Arrays.fill(c, row, row + n, 0L);
      }
      for (int p = 0; p < k; p++) {
        long x = a[aOff + i * ai + p * ap];
        int bo = bOff + p * bp;
        for (int j = 0; j < n; j++) {
          c[row + j] += x * b[bo + j * bj];
        }
      }
    }
  }

  /**
   * 32-bit integer GEMM without scaling: C = op(A) * op(B) (+ C if {@code accumulate}), wrapping on
   * overflow. Also serves uint32 (same bits).
   */
  public static void igemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      int[] a,
      int aOff,
      int lda,
      int[] b,
      int bOff,
      int ldb,
      boolean accumulate,
      int[] c,
      int cOff,
      int ldc) {
    int ai = transA ? 1 : lda;
    int ap = transA ? lda : 1;
    int bp = transB ? 1 : ldb;
    int bj = transB ? ldb : 1;
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      if (!accumulate) {
        java.util.Arrays.fill(c, row, row + n, 0);
      }
      for (int p = 0; p < k; p++) {
        int x = a[aOff + i * ai + p * ap];
        int bo = bOff + p * bp;
        for (int j = 0; j < n; j++) {
          c[row + j] += x * b[bo + j * bj];
        }
      }
    }
  }
}
