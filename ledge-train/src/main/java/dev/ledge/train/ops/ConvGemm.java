package dev.ledge.train.ops;

import dev.ledge.kernels.KernelProvider;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two matrix products of convolution gradients, whose shapes general GEMM blocking handles
 * poorly (one dimension is the long image-times-positions axis, the others are small):
 *
 * <ul>
 *   <li>{@link #abt}: {@code C[M, N] += A[M, L] · B[N, L]ᵀ} with L long (the weight gradient);
 *   <li>{@link #atb}: {@code C[K, L] = A[M, K]ᵀ · B[M, L]} with M small (the column gradient).
 * </ul>
 *
 * Both stream the long rows with the Vector API when it is in use (plain loops otherwise), keeping
 * a few accumulators in registers. Rows are row-major with leading dimensions.
 */
final class ConvGemm {
  private static final boolean SIMD = KernelProvider.current().simd();

  private ConvGemm() {}

  /** {@code C[M, N] += A[M, L] · B[N, L]ᵀ}. */
  static void abt(
      int m,
      int n,
      int l,
      float[] a,
      int ao,
      int lda,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      int ldc) {
    if (SIMD) {
      Simd.abt(m, n, l, a, ao, lda, b, bo, ldb, c, co, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = 0;
        int ar = ao + i * lda;
        int br = bo + j * ldb;
        for (int k = 0; k < l; k++) {
          s += a[ar + k] * b[br + k];
        }
        c[co + i * ldc + j] += s;
      }
    }
  }

  /** {@code C[K, L] = A[M, K]ᵀ · B[M, L]} (overwrites C). */
  static void atb(
      int m,
      int k,
      int l,
      float[] a,
      int ao,
      int lda,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      int ldc) {
    if (SIMD) {
      Simd.atb(m, k, l, a, ao, lda, b, bo, ldb, c, co, ldc);
      return;
    }
    for (int r = 0; r < k; r++) {
      int cr = co + r * ldc;
      java.util.Arrays.fill(c, cr, cr + l, 0f);
      for (int i = 0; i < m; i++) {
        float w = a[ao + i * lda + r];
        int br = bo + i * ldb;
        for (int j = 0; j < l; j++) {
          c[cr + j] += w * b[br + j];
        }
      }
    }
  }

  /**
   * Vector API versions (loaded only when the module is present). The hot loops are small methods
   * of their own: the JIT intrinsifies vector operations only in code it inlines completely.
   */
  private static final class Simd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    /** Length of the L strip kept hot in cache while a block of rows of A meets every row of B. */
    private static final int LC = 2048;

    static void abt(
        int m,
        int n,
        int l,
        float[] a,
        int ao,
        int lda,
        float[] b,
        int bo,
        int ldb,
        float[] c,
        int co,
        int ldc) {
      for (int l0 = 0; l0 < l; l0 += LC) {
        int len = Math.min(LC, l - l0);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
          for (int j = 0; j < n; j++) {
            dot4(a, ao + i * lda + l0, lda, b, bo + j * ldb + l0, len, c, co + i * ldc + j, ldc);
          }
        }
        for (; i < m; i++) {
          for (int j = 0; j < n; j++) {
            c[co + i * ldc + j] += dot(a, ao + i * lda + l0, b, bo + j * ldb + l0, len);
          }
        }
      }
    }

    /** Adds the dot products of four rows of A (a0, a0 + lda, ...) with one row of B to C. */
    private static void dot4(
        float[] a, int a0, int lda, float[] b, int br, int len, float[] c, int ci, int ldc) {
      int a1 = a0 + lda;
      int a2 = a1 + lda;
      int a3 = a2 + lda;
      int vl = len - len % V;
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = FloatVector.zero(S);
      FloatVector s2 = FloatVector.zero(S);
      FloatVector s3 = FloatVector.zero(S);
      for (int k = 0; k < vl; k += V) {
        FloatVector bv = FloatVector.fromArray(S, b, br + k);
        s0 = FloatVector.fromArray(S, a, a0 + k).fma(bv, s0);
        s1 = FloatVector.fromArray(S, a, a1 + k).fma(bv, s1);
        s2 = FloatVector.fromArray(S, a, a2 + k).fma(bv, s2);
        s3 = FloatVector.fromArray(S, a, a3 + k).fma(bv, s3);
      }
      float t0 = dev.ledge.kernels.Lanes.sum(s0);
      float t1 = dev.ledge.kernels.Lanes.sum(s1);
      float t2 = dev.ledge.kernels.Lanes.sum(s2);
      float t3 = dev.ledge.kernels.Lanes.sum(s3);
      for (int k = vl; k < len; k++) {
        float bv = b[br + k];
        t0 += a[a0 + k] * bv;
        t1 += a[a1 + k] * bv;
        t2 += a[a2 + k] * bv;
        t3 += a[a3 + k] * bv;
      }
      c[ci] += t0;
      c[ci + ldc] += t1;
      c[ci + 2 * ldc] += t2;
      c[ci + 3 * ldc] += t3;
    }

    private static float dot(float[] a, int ar, float[] b, int br, int len) {
      int vl = len - len % V;
      FloatVector s = FloatVector.zero(S);
      for (int k = 0; k < vl; k += V) {
        s = FloatVector.fromArray(S, a, ar + k).fma(FloatVector.fromArray(S, b, br + k), s);
      }
      float t = dev.ledge.kernels.Lanes.sum(s);
      for (int k = vl; k < len; k++) {
        t += a[ar + k] * b[br + k];
      }
      return t;
    }

    static void atb(
        int m,
        int k,
        int l,
        float[] a,
        int ao,
        int lda,
        float[] b,
        int bo,
        int ldb,
        float[] c,
        int co,
        int ldc) {
      for (int l0 = 0; l0 < l; l0 += LC) {
        int len = Math.min(LC, l - l0);
        int r = 0;
        for (; r + 4 <= k; r += 4) {
          rows4(m, a, ao + r, lda, b, bo + l0, ldb, len, c, co + r * ldc + l0, ldc);
        }
        for (; r < k; r++) {
          row1(m, a, ao + r, lda, b, bo + l0, ldb, len, c, co + r * ldc + l0);
        }
      }
    }

    /** Four rows of C: {@code C[r + q, j] = sum_i A[i, r + q] B[i, j]} for j < len. */
    private static void rows4(
        int m,
        float[] a,
        int ar,
        int lda,
        float[] b,
        int bo,
        int ldb,
        int len,
        float[] c,
        int c0,
        int ldc) {
      int vl = len - len % V;
      for (int j = 0; j < vl; j += V) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        for (int i = 0; i < m; i++) {
          FloatVector bv = FloatVector.fromArray(S, b, bo + i * ldb + j);
          int at = ar + i * lda;
          s0 = bv.fma(FloatVector.broadcast(S, a[at]), s0);
          s1 = bv.fma(FloatVector.broadcast(S, a[at + 1]), s1);
          s2 = bv.fma(FloatVector.broadcast(S, a[at + 2]), s2);
          s3 = bv.fma(FloatVector.broadcast(S, a[at + 3]), s3);
        }
        s0.intoArray(c, c0 + j);
        s1.intoArray(c, c0 + ldc + j);
        s2.intoArray(c, c0 + 2 * ldc + j);
        s3.intoArray(c, c0 + 3 * ldc + j);
      }
      for (int j = vl; j < len; j++) {
        float t0 = 0;
        float t1 = 0;
        float t2 = 0;
        float t3 = 0;
        for (int i = 0; i < m; i++) {
          float bv = b[bo + i * ldb + j];
          int at = ar + i * lda;
          t0 += a[at] * bv;
          t1 += a[at + 1] * bv;
          t2 += a[at + 2] * bv;
          t3 += a[at + 3] * bv;
        }
        c[c0 + j] = t0;
        c[c0 + ldc + j] = t1;
        c[c0 + 2 * ldc + j] = t2;
        c[c0 + 3 * ldc + j] = t3;
      }
    }

    private static void row1(
        int m, float[] a, int ar, int lda, float[] b, int bo, int ldb, int len, float[] c, int c0) {
      int vl = len - len % V;
      for (int j = 0; j < vl; j += V) {
        FloatVector s0 = FloatVector.zero(S);
        for (int i = 0; i < m; i++) {
          s0 =
              FloatVector.fromArray(S, b, bo + i * ldb + j)
                  .fma(FloatVector.broadcast(S, a[ar + i * lda]), s0);
        }
        s0.intoArray(c, c0 + j);
      }
      for (int j = vl; j < len; j++) {
        float t0 = 0;
        for (int i = 0; i < m; i++) {
          t0 += a[ar + i * lda] * b[bo + i * ldb + j];
        }
        c[c0 + j] = t0;
      }
    }
  }
}
