package dev.ledge.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM with the Vector API: {@code C = alpha * op(A) * op(B) + beta * C},
 * row-major with leading dimensions, the same contract as {@code ReferenceGemm.sgemm}.
 *
 * <p>The classic three-level blocking (Goto/BLIS): B is packed into {@code KC x NR} panels and A
 * (scaled by alpha) into {@code MR x KC} panels, both zero-padded at the edges, so a register-tiled
 * micro-kernel can always compute a full {@code MR x NR} tile: {@code MR} broadcasts of A times two
 * vectors of B per step of k, accumulated in {@code 2 * MR} vector registers. Packing buffers are
 * per thread and reused, so a call allocates nothing after the first.
 */
public final class VectorGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Rows of the register tile. */
  public static final int MR = 8;

  /** Columns of the register tile: two vectors. */
  public static final int NR = 2 * L;

  /** Depth of a packed panel (fits the A and B panels of one tile in L1). */
  static final int KC = 256;

  /** Rows of A packed at once (fits L2). */
  static final int MC = MR * 24;

  /** Columns of B packed at once. */
  static final int NC = NR * 64;

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  /** Packing buffers of one thread. */
  private static final class Buffers {
    final float[] a = new float[MC * KC];
    final float[] b = new float[KC * NC];
    final float[] tile = new float[MR * NR];
  }

  private VectorGemm() {}

  /** The register tile, for {@code ledge info} and benchmarks. */
  public static String describe() {
    return MR + "x" + NR + " register tile, " + S.vectorBitSize() + "-bit vectors";
  }

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C} where op(A) is m x k, op(B) is k x n and C is m x
   * n; {@code lda}, {@code ldb}, {@code ldc} are the row strides of the stored (untransposed)
   * arrays.
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
      int ldc) {
    sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
  }

  /**
   * The same GEMM followed by {@code C = epilogue(C)} (a fused activation; null for none), applied
   * in place to each register tile of C when its last block of k is added, while it is in L1.
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
    if (m == 0 || n == 0) {
      return;
    }
    if (beta != 1f) {
      scale(m, n, beta, c, cOff, ldc);
    }
    if (k == 0 || alpha == 0f) {
      applyRows(epilogue, m, n, c, cOff, ldc);
      return;
    }
    if (m <= SMALL_M) {
      // A few rows (a batch of 1, an RNN step): stream B once per row instead of packing it.
      for (int i = 0; i < m; i++) {
        if (transB) {
          rowTimesTransposed(
              k,
              n,
              alpha,
              a,
              aOff + (transA ? i : i * lda),
              transA ? lda : 1,
              b,
              bOff,
              ldb,
              c,
              cOff + i * ldc);
        } else {
          rowTimesMatrix(
              k,
              n,
              alpha,
              a,
              aOff + (transA ? i : i * lda),
              transA ? lda : 1,
              b,
              bOff,
              ldb,
              c,
              cOff + i * ldc);
        }
        if (epilogue != null) {
          epilogue.apply(c, cOff + i * ldc, c, cOff + i * ldc, n);
        }
      }
      return;
    }
    Buffers buf = BUFFERS.get();
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        boolean last = pc + kc == k;
        packB(transB, b, bOff, ldb, pc, kc, jc, nc, buf.b);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          packA(transA, a, aOff, lda, ic, mc, pc, kc, alpha, buf.a, 0);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bPanel = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
              int mr = Math.min(MR, mc - ir);
              int aPanel = (ir / MR) * kc * MR;
              int cAt = cOff + (ic + ir) * ldc + jc + jr;
              if (mr == MR && nr == NR) {
                kernel(kc, buf.a, aPanel, buf.b, bPanel, c, cAt, ldc);
              } else {
                java.util.Arrays.fill(buf.tile, 0f);
                kernel(kc, buf.a, aPanel, buf.b, bPanel, buf.tile, 0, NR);
                for (int i = 0; i < mr; i++) {
                  int row = cAt + i * ldc;
                  for (int j = 0; j < nr; j++) {
                    c[row + j] += buf.tile[i * NR + j];
                  }
                }
              }
              if (last) {
                applyRows(epilogue, mr, nr, c, cAt, ldc);
              }
            }
          }
        }
      }
    }
  }

  /** Applies {@code epilogue} (if any) in place to an m x n block of C. */
  private static void applyRows(
      FloatUnaryKernel epilogue, int m, int n, float[] c, int cOff, int ldc) {
    if (epilogue == null) {
      return;
    }
    for (int i = 0; i < m; i++) {
      epilogue.apply(c, cOff + i * ldc, c, cOff + i * ldc, n);
    }
  }

  /** Up to this many rows of A, GEMM streams B per row (see {@link #rowTimesMatrix}). */
  static final int SMALL_M = 2;

  /** c[0:n] += alpha * (a row, stride as) * B where B is k x n row-major: axpy over B's rows. */
  private static void rowTimesMatrix(
      int k,
      int n,
      float alpha,
      float[] a,
      int ai,
      int as,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int ci) {
    for (int p = 0; p < k; p++) {
      float av = alpha * a[ai + p * as];
      if (av == 0f) {
        continue; // adds exactly 0 (the packed path would add 0 * b, which differs only for inf/NaN
        // b)
      }
      int row = bOff + p * ldb;
      FloatVector va = FloatVector.broadcast(S, av);
      int j = 0;
      for (; j <= n - L; j += L) {
        FloatVector.fromArray(S, b, row + j)
            .fma(va, FloatVector.fromArray(S, c, ci + j))
            .intoArray(c, ci + j);
      }
      for (; j < n; j++) {
        c[ci + j] += av * b[row + j];
      }
    }
  }

  /** c[0:n] += alpha * (a row) * B^T where B is n x k row-major: one dot product per column. */
  private static void rowTimesTransposed(
      int k,
      int n,
      float alpha,
      float[] a,
      int ai,
      int as,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int ci) {
    float[] row = a;
    int ro = ai;
    if (as != 1) {
      row = Scratch.floats(Scratch.Slot.ROW, k);
      ro = 0;
      for (int p = 0; p < k; p++) {
        row[p] = a[ai + p * as];
      }
    }
    for (int j = 0; j < n; j++) {
      int bj = bOff + j * ldb;
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = FloatVector.zero(S);
      int p = 0;
      for (; p <= k - 2 * L; p += 2 * L) {
        acc0 = FloatVector.fromArray(S, row, ro + p).fma(FloatVector.fromArray(S, b, bj + p), acc0);
        acc1 =
            FloatVector.fromArray(S, row, ro + p + L)
                .fma(FloatVector.fromArray(S, b, bj + p + L), acc1);
      }
      float sum = Lanes.sum(acc0.add(acc1));
      for (; p < k; p++) {
        sum += row[ro + p] * b[bj + p];
      }
      c[ci + j] += alpha * sum;
    }
  }

  /** The micro-kernel: C[0:MR, 0:NR] += packedA panel * packedB panel over kc steps. */
  private static void kernel(
      int kc, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector a0 = FloatVector.broadcast(S, pa[ai]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ai + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ai + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ai + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ai + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ai + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, pa[ai + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, pa[ai + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
      ai += MR;
      bi += NR;
    }
    // Written out (not a helper taking vectors): passing vectors to a call that C2 does not
    // inline forces them into heap objects and can take the whole kernel off the intrinsic path.
    FloatVector.fromArray(S, c, ci).add(c00).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c01).intoArray(c, ci + L);
    ci += ldc;
    FloatVector.fromArray(S, c, ci).add(c10).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c11).intoArray(c, ci + L);
    ci += ldc;
    FloatVector.fromArray(S, c, ci).add(c20).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c21).intoArray(c, ci + L);
    ci += ldc;
    FloatVector.fromArray(S, c, ci).add(c30).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c31).intoArray(c, ci + L);
    ci += ldc;
    FloatVector.fromArray(S, c, ci).add(c40).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c41).intoArray(c, ci + L);
    ci += ldc;
    FloatVector.fromArray(S, c, ci).add(c50).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c51).intoArray(c, ci + L);
    ci += ldc;
    FloatVector.fromArray(S, c, ci).add(c60).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c61).intoArray(c, ci + L);
    ci += ldc;
    FloatVector.fromArray(S, c, ci).add(c70).intoArray(c, ci);
    FloatVector.fromArray(S, c, ci + L).add(c71).intoArray(c, ci + L);
  }

  /**
   * Fills B panels for {@link #gemmPackedA}: rows {@code [pc, pc+kc)} and columns {@code [jc,
   * jc+nc)} of B, as consecutive NR-wide panels (row by row within a panel), zero-padded past the
   * last column. Lets convolutions write im2col data straight into the packed layout.
   */
  @FunctionalInterface
  public interface PanelSource {
    void pack(int pc, int kc, int jc, int nc, float[] out);
  }

  /** Floats needed by {@link #packWholeA} for an m x k matrix. */
  public static int packedASize(int m, int k) {
    return ((m + MR - 1) / MR) * MR * k;
  }

  /**
   * Packs all of alpha * op(A) (m x k) once, for matrices used many times (weights): KC-deep blocks
   * of MR-tall panels, the layout {@link #gemmPackedA} reads.
   */
  public static float[] packWholeA(
      boolean transA, float[] a, int aOff, int lda, int m, int k, float alpha) {
    int mPad = ((m + MR - 1) / MR) * MR;
    float[] out = new float[mPad * k];
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      packA(transA, a, aOff, lda, 0, m, pc, kc, alpha, out, pc * mPad);
    }
    return out;
  }

  /**
   * {@code C[i0:i1, j0:j1) += A[i0:i1, :] * B[:, j0:j1)} with A (m x k) packed by {@link
   * #packWholeA} and B produced by {@code source}; then, if {@code epilogue} is not null, each
   * register tile of that block is replaced by {@code epilogue(tile)} (a fused activation) as soon
   * as it is complete. C must hold its initial values (e.g. the bias). {@code i0} must be a
   * multiple of {@link #MR}.
   */
  public static void gemmPackedA(
      float[] packedA,
      int m,
      int k,
      int i0,
      int i1,
      PanelSource source,
      int j0,
      int j1,
      float[] c,
      int cOff,
      int ldc,
      FloatUnaryKernel epilogue) {
    if (i0 % MR != 0) {
      throw new IllegalArgumentException("first row " + i0 + " is not a multiple of " + MR);
    }
    i1 = Math.min(i1, m);
    if (i1 <= i0 || j1 <= j0 || k == 0) {
      if (i1 > i0 && j1 > j0) {
        applyRows(epilogue, i1 - i0, j1 - j0, c, cOff + i0 * ldc + j0, ldc);
      }
      return;
    }
    Buffers buf = BUFFERS.get();
    int mPad = ((m + MR - 1) / MR) * MR;
    for (int jc = j0; jc < j1; jc += NC) {
      int nc = Math.min(NC, j1 - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        boolean last = pc + kc == k;
        source.pack(pc, kc, jc, nc, buf.b);
        int aBlock = pc * mPad;
        // MC rows of A at a time stay in L2 while the panels of B pass through L1: with many rows
        // and few columns, A is then read from memory once rather than once per panel.
        for (int ic = i0; ic < i1; ic += MC) {
          int ie = Math.min(i1, ic + MC);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bPanel = (jr / NR) * kc * NR;
            for (int ir = ic; ir < ie; ir += MR) {
              int mr = Math.min(MR, ie - ir);
              int aPanel = aBlock + (ir / MR) * kc * MR;
              int cAt = cOff + ir * ldc + jc + jr;
              if (mr == MR && nr == NR) {
                kernel(kc, packedA, aPanel, buf.b, bPanel, c, cAt, ldc);
              } else {
                java.util.Arrays.fill(buf.tile, 0f);
                kernel(kc, packedA, aPanel, buf.b, bPanel, buf.tile, 0, NR);
                for (int i = 0; i < mr; i++) {
                  int row = cAt + i * ldc;
                  for (int j = 0; j < nr; j++) {
                    c[row + j] += buf.tile[i * NR + j];
                  }
                }
              }
              if (last) {
                applyRows(epilogue, mr, nr, c, cAt, ldc);
              }
            }
          }
        }
      }
    }
  }

  /**
   * {@code C = A[i0:i1, :] * B[:, j0:j1)} where A (m x k) was packed by {@link #packWholeA} and B
   * is read in place, row {@code p} from {@code b[bOff + rows[p] + j]}: an implicit im2col, whose
   * rows are the input shifted by each kernel tap. C gets whole register tiles: row {@code i0 + r}
   * and column {@code j0 + j} is {@code c[r * ldc + j]} for r up to i1 - i0 rounded up to {@link
   * #MR} and j up to j1 - j0 rounded up to {@link #NR}; the extra rows and columns hold garbage,
   * and {@code b} must be readable that far. {@code i0} must be a multiple of {@link #MR}.
   */
  public static void gemmIndirect(
      float[] packedA,
      int m,
      int k,
      int i0,
      int i1,
      float[] b,
      int bOff,
      int[] rows,
      int j0,
      int j1,
      float[] c,
      int ldc) {
    if (i0 % MR != 0) {
      throw new IllegalArgumentException("first row " + i0 + " is not a multiple of " + MR);
    }
    int mPad = ((m + MR - 1) / MR) * MR;
    for (int pc = 0; pc < k; pc += KC) {
      int kc = Math.min(KC, k - pc);
      int aBlock = pc * mPad;
      boolean add = pc > 0;
      // MC rows of A at a time stay in L2 while the NR-column tiles of B pass through L1.
      for (int ic = i0; ic < i1; ic += MC) {
        int ie = Math.min(i1, ic + MC);
        for (int jr = j0; jr < j1; jr += NR) {
          int bj = bOff + jr;
          for (int ir = ic; ir < ie; ir += MR) {
            int aPanel = aBlock + (ir / MR) * kc * MR;
            kernelRows(
                kc, packedA, aPanel, b, bj, rows, pc, c, (ir - i0) * ldc + jr - j0, ldc, add);
          }
        }
      }
    }
  }

  /**
   * The micro-kernel of {@link #gemmIndirect}: C[0:MR, 0:NR] (+)= packedA panel * B, B's row p
   * being {@code b[bj + rows[ri + p] ...]}.
   */
  private static void kernelRows(
      int kc,
      float[] pa,
      int ai,
      float[] b,
      int bj,
      int[] rows,
      int ri,
      float[] c,
      int ci,
      int ldc,
      boolean add) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
    for (int p = 0; p < kc; p++) {
      int bi = bj + rows[ri + p];
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector a0 = FloatVector.broadcast(S, pa[ai]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, pa[ai + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, pa[ai + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, pa[ai + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, pa[ai + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, pa[ai + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, pa[ai + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, pa[ai + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
      ai += MR;
    }
    if (add) {
      c00 = c00.add(FloatVector.fromArray(S, c, ci));
      c01 = c01.add(FloatVector.fromArray(S, c, ci + L));
      c10 = c10.add(FloatVector.fromArray(S, c, ci + ldc));
      c11 = c11.add(FloatVector.fromArray(S, c, ci + ldc + L));
      c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
      c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
      c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
      c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
      c40 = c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
      c41 = c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + L));
      c50 = c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
      c51 = c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + L));
      c60 = c60.add(FloatVector.fromArray(S, c, ci + 6 * ldc));
      c61 = c61.add(FloatVector.fromArray(S, c, ci + 6 * ldc + L));
      c70 = c70.add(FloatVector.fromArray(S, c, ci + 7 * ldc));
      c71 = c71.add(FloatVector.fromArray(S, c, ci + 7 * ldc + L));
    }
    c00.intoArray(c, ci);
    c01.intoArray(c, ci + L);
    ci += ldc;
    c10.intoArray(c, ci);
    c11.intoArray(c, ci + L);
    ci += ldc;
    c20.intoArray(c, ci);
    c21.intoArray(c, ci + L);
    ci += ldc;
    c30.intoArray(c, ci);
    c31.intoArray(c, ci + L);
    ci += ldc;
    c40.intoArray(c, ci);
    c41.intoArray(c, ci + L);
    ci += ldc;
    c50.intoArray(c, ci);
    c51.intoArray(c, ci + L);
    ci += ldc;
    c60.intoArray(c, ci);
    c61.intoArray(c, ci + L);
    ci += ldc;
    c70.intoArray(c, ci);
    c71.intoArray(c, ci + L);
  }

  /** Packs the B of a plain row-major (or transposed) matrix. */
  public static PanelSource matrix(boolean transB, float[] b, int bOff, int ldb) {
    return new MatrixPanels(transB).at(b, bOff, ldb);
  }

  /** The panels of a plain row-major (or transposed) B, re-pointable so one object serves all. */
  public static final class MatrixPanels implements PanelSource {
    private final boolean transB;
    private float[] b;
    private int bOff;
    private int ldb;

    public MatrixPanels(boolean transB) {
      this.transB = transB;
    }

    /** Points these panels at matrix {@code b} from {@code bOff} with leading dimension ldb. */
    public MatrixPanels at(float[] b, int bOff, int ldb) {
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      return this;
    }

    @Override
    public void pack(int pc, int kc, int jc, int nc, float[] out) {
      packB(transB, b, bOff, ldb, pc, kc, jc, nc, out);
    }
  }

  /** Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-wide panels, row by row, zero-padded. */
  private static void packB(
      boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] out) {
    int o = 0;
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      for (int p = 0; p < kc; p++) {
        if (!transB) {
          int src = bOff + (pc + p) * ldb + jc + jr;
          if (nr == NR) {
            FloatVector.fromArray(S, b, src).intoArray(out, o);
            FloatVector.fromArray(S, b, src + L).intoArray(out, o + L);
          } else {
            for (int j = 0; j < nr; j++) {
              out[o + j] = b[src + j];
            }
            for (int j = nr; j < NR; j++) {
              out[o + j] = 0f;
            }
          }
        } else {
          int src = bOff + (jc + jr) * ldb + pc + p;
          for (int j = 0; j < nr; j++) {
            out[o + j] = b[src + j * ldb];
          }
          for (int j = nr; j < NR; j++) {
            out[o + j] = 0f;
          }
        }
        o += NR;
      }
    }
  }

  /** Packs alpha * op(A)[ic:ic+mc, pc:pc+kc] into MR-tall panels, column by column, zero-padded. */
  private static void packA(
      boolean transA,
      float[] a,
      int aOff,
      int lda,
      int ic,
      int mc,
      int pc,
      int kc,
      float alpha,
      float[] out,
      int o) {
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      if (transA) {
        // Column p of the panel is MR consecutive elements of stored row pc + p.
        for (int p = 0; p < kc; p++) {
          int src = aOff + (pc + p) * lda + ic + ir;
          int dst = o + p * MR;
          for (int i = 0; i < mr; i++) {
            out[dst + i] = alpha * a[src + i];
          }
          for (int i = mr; i < MR; i++) {
            out[dst + i] = 0f;
          }
        }
      } else if (mr == MR) {
        // A full panel: MR sequential row streams in, one sequential stream out.
        int s0 = aOff + (ic + ir) * lda + pc;
        for (int p = 0; p < kc; p++) {
          int dst = o + p * MR;
          int src = s0 + p;
          for (int i = 0; i < MR; i++) {
            out[dst + i] = alpha * a[src + i * lda];
          }
        }
      } else {
        // Read each stored row sequentially; write it with stride MR into the panel.
        for (int i = 0; i < mr; i++) {
          int src = aOff + (ic + ir + i) * lda + pc;
          for (int p = 0; p < kc; p++) {
            out[o + p * MR + i] = alpha * a[src + p];
          }
        }
        for (int i = mr; i < MR; i++) {
          for (int p = 0; p < kc; p++) {
            out[o + p * MR + i] = 0f;
          }
        }
      }
      o += kc * MR;
    }
  }

  private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      int row = cOff + i * ldc;
      int j = 0;
      if (beta == 0f) {
        for (; j < n; j++) {
          c[row + j] = 0f;
        }
        continue;
      }
      for (; j <= n - L; j += L) {
        FloatVector.fromArray(S, c, row + j).mul(beta).intoArray(c, row + j);
      }
      for (; j < n; j++) {
        c[row + j] *= beta;
      }
    }
  }
}
