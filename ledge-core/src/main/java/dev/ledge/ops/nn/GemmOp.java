package dev.ledge.ops.nn;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.FloatUnaryKernel;
import dev.ledge.kernels.Gemm;
import dev.ledge.kernels.KernelProvider;
import dev.ledge.kernels.ReferenceGemm;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.ops.math.FusedActivation;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Gemm (opsets 1, 6, 7, 9, 11, 13): {@code Y = alpha * A' * B' + beta * C} with A' and B' the
 * optionally transposed 2-D inputs and C broadcast to the output (unidirectionally; before opset 7
 * only with {@code broadcast=1}, else C must have the output's shape). C is optional from opset 11;
 * with {@code beta == 0} it is not read.
 *
 * <p>Float types use {@link Gemm} (float32, and float16/bfloat16 widened to it) or {@link
 * ReferenceGemm} (float64); integer types (opset 9+) are computed exactly with wrap-around, which
 * is only well defined for {@code alpha == 1} and {@code beta} 0 or 1 (other scalings of integers
 * are unsupported).
 *
 * <p>Also Ledge's {@code dev.ledge.FusedGemm}: Gemm-13 on floating-point types plus an {@code
 * activation} with its {@code activation_params} (see {@link FusedActivation}), {@code Y =
 * act(alpha * A' * B' + beta * C)}, the activation applied to each tile of Y as the GEMM finishes
 * it. With {@code transA = 0}, A may have more than two dims (a MatMul's batch dims): they are
 * flattened into the rows of A' and kept in Y, which is then {@code A.shape[:-1] + [N]}.
 */
final class GemmOp implements Operator {
  private static final List<DType> INTS =
      List.of(DType.INT32, DType.INT64, DType.UINT32, DType.UINT64);

  private final boolean fused;

  /** The standard Gemm. */
  GemmOp() {
    this(false);
  }

  /**
   * @param fused true for {@code dev.ledge.FusedGemm}
   */
  GemmOp(boolean fused) {
    this.fused = fused;
  }

  @Override
  public Kernel prepare(OpContext ctx) {
    long v = fused ? 13 : ctx.opsetVersion();
    ctx.requireInputCount(v >= 11 ? 2 : 3, 3);
    DType t = ctx.requireInputType(0);
    if (t == null) {
      throw ctx.error("input A has an unknown type");
    }
    boolean floating = Arrays.asList(FloatIo.FLOATS).contains(t);
    if (!floating && (fused || !(v >= 9 && INTS.contains(t)))) {
      throw ctx.error(
          "A has type "
              + t
              + ", which "
              + (fused ? "FusedGemm" : "Gemm-" + v)
              + " does not accept");
    }
    FusedActivation activation = fused ? ActivationAttributes.parse(ctx) : null;
    FloatUnaryKernel activation32 =
        activation == null ? null : activation.float32(KernelProvider.current().simd());
    if (t == DType.BFLOAT16 && v < 13) {
      throw ctx.error("A has type bfloat16, which Gemm accepts from opset 13");
    }
    if (ctx.inputDType(1) != null && ctx.inputDType(1) != t) {
      throw ctx.error("B has type " + ctx.inputDType(1) + ", expected " + t + " like A");
    }
    boolean hasC = FloatIo.optionalSameType(ctx, 2, t, "C");
    float alpha = ctx.attrFloat("alpha", 1f);
    float beta = ctx.attrFloat("beta", 1f);
    boolean transA = ctx.attrInt("transA", 0) != 0;
    boolean transB = ctx.attrInt("transB", 0) != 0;
    boolean broadcast = v >= 7 || ctx.attrInt("broadcast", 0) != 0;
    boolean useC = hasC && beta != 0f;
    if (!floating && (alpha != 1f || (useC && beta != 1f))) {
      throw ctx.unsupported(
          "integer Gemm with alpha=" + alpha + ", beta=" + beta + " (only 1 and 0/1 are exact)");
    }
    boolean batched = fused && !transA;
    Shape as = ctx.inputShape(0);
    Shape bs = ctx.inputShape(1);
    if (as != null && (batched ? as.rank() < 2 : as.rank() != 2)) {
      throw ctx.error("A has rank " + as.rank() + ", expected " + (batched ? "2 or more" : "2"));
    }
    if (bs != null && bs.rank() != 2) {
      throw ctx.error("B has rank " + bs.rank() + ", expected 2");
    }
    Dim n = NnShapes.dim(bs, transB ? 0 : 1);
    Shape ys;
    if (batched && as == null) {
      ys = null; // the rank of Y is A's
    } else if (as != null && as.rank() > 2) {
      List<Dim> dims = new java.util.ArrayList<>(as.dims().subList(0, as.rank() - 1));
      dims.add(n);
      ys = new Shape(dims);
    } else {
      ys = new Shape(List.of(NnShapes.dim(as, transA ? 1 : 0), n));
    }
    ctx.setOutput(0, t, ys);
    Params p =
        new Params(alpha, beta, transA, transB, broadcast, useC, batched, activation, activation32);
    return exec -> run(exec, p);
  }

  /**
   * @param batched A may have more than 2 dims (FusedGemm with transA = 0)
   * @param activation FusedGemm's activation, or null
   * @param activation32 its float32 kernel for this JVM's kernel set, or null
   */
  private record Params(
      float alpha,
      float beta,
      boolean transA,
      boolean transB,
      boolean broadcast,
      boolean useC,
      boolean batched,
      FusedActivation activation,
      FloatUnaryKernel activation32) {}

  /** Sizes and C's broadcast for given input shapes (the node's state between runs). */
  private record Sizes(int[] a, int[] b, int[] c, int m, int n, int k, int[] out, int[] cMap) {
    boolean fits(Tensor at, Tensor bt, Tensor ct) {
      return at.hasShape(a) && bt.hasShape(b) && (ct == null ? c == null : ct.hasShape(c));
    }
  }

  private static Sizes sizes(ExecContext ctx, Params p, Tensor a, Tensor b, Tensor c) {
    if ((p.batched() ? a.rank() < 2 : a.rank() != 2) || b.rank() != 2) {
      throw ctx.error(
          "A "
              + Arrays.toString(a.shape())
              + " and B "
              + Arrays.toString(b.shape())
              + (p.batched() ? " must be N-D (N >= 2) and 2-D" : " must be 2-D"));
    }
    int k = a.dim(p.transA() ? 0 : a.rank() - 1);
    int m = p.transA() ? a.dim(1) : Shapes.size(Arrays.copyOf(a.shape(), a.rank() - 1));
    int kb = b.dim(p.transB() ? 1 : 0);
    int n = b.dim(p.transB() ? 0 : 1);
    if (k != kb) {
      throw ctx.error(
          "inner dims differ: A' is "
              + m
              + " x "
              + k
              + ", B' is "
              + kb
              + " x "
              + n
              + " (transA="
              + (p.transA() ? 1 : 0)
              + ", transB="
              + (p.transB() ? 1 : 0)
              + ")");
    }
    int[] outShape = {m, n};
    int[] yShape = outShape;
    if (a.rank() > 2) {
      yShape = Arrays.copyOf(a.shape(), a.rank());
      yShape[a.rank() - 1] = n;
    }
    int[] cMap = null;
    if (c != null) {
      int[] cs = c.shape();
      boolean ok =
          p.broadcast()
              ? cs.length <= 2 && Arrays.equals(Shapes.broadcastOrNull(outShape, cs), outShape)
              : Arrays.equals(cs, outShape);
      if (!ok) {
        throw ctx.error(
            "C has shape "
                + Arrays.toString(cs)
                + ", which does not "
                + (p.broadcast() ? "broadcast to " : "equal ")
                + "the output shape "
                + Arrays.toString(outShape));
      }
      cMap = Arrays.equals(cs, outShape) ? null : dev.ledge.ops.Broadcast.indexMap(cs, outShape);
    }
    Sizes z = new Sizes(a.shape(), b.shape(), c == null ? null : c.shape(), m, n, k, yShape, cMap);
    ctx.setKernelState(z);
    return z;
  }

  private static void run(ExecContext ctx, Params p) {
    Tensor a = ctx.input(0);
    Tensor b = ctx.input(1);
    Tensor c = p.useC() ? ctx.input(2) : null;
    Sizes z = ctx.kernelState() instanceof Sizes s && s.fits(a, b, c) ? s : sizes(ctx, p, a, b, c);
    int m = z.m();
    int n = z.n();
    int k = z.k();
    int[] cMap = z.cMap();
    Tensor y = ctx.output(0, a.dtype(), z.out());
    int lda = a.dim(a.rank() - 1);
    int ldb = b.dim(1);
    switch (a.dtype()) {
      case FLOAT32 -> {
        float[] ya = y.floats();
        int yo = y.offset();
        float beta = 0f;
        if (c != null) {
          float[] ca = c.floats();
          int co = c.offset();
          for (int i = 0; i < m * n; i++) {
            ya[yo + i] = p.beta() * ca[co + (cMap == null ? i : cMap[i])];
          }
          beta = 1f;
        }
        Gemm.sgemm(
            ctx.threads(),
            p.transA(),
            p.transB(),
            m,
            n,
            k,
            p.alpha(),
            a.floats(),
            a.offset(),
            lda,
            b.floats(),
            b.offset(),
            ldb,
            beta,
            ya,
            yo,
            n,
            p.activation32());
      }
      case FLOAT64 -> {
        double[] ya = y.doubles();
        int yo = y.offset();
        double beta = 0;
        if (c != null) {
          double[] ca = c.doubles();
          int co = c.offset();
          for (int i = 0; i < m * n; i++) {
            ya[yo + i] = p.beta() * ca[co + (cMap == null ? i : cMap[i])];
          }
          beta = 1;
        }
        ReferenceGemm.dgemm(
            p.transA(),
            p.transB(),
            m,
            n,
            k,
            p.alpha(),
            a.doubles(),
            a.offset(),
            lda,
            b.doubles(),
            b.offset(),
            ldb,
            beta,
            ya,
            yo,
            n);
        activate(p.activation(), y);
      }
      case FLOAT16, BFLOAT16 -> {
        float[] yf = new float[m * n];
        float beta = 0f;
        if (c != null) {
          float[] cf = FloatIo.toFloats(c);
          for (int i = 0; i < m * n; i++) {
            yf[i] = p.beta() * cf[cMap == null ? i : cMap[i]];
          }
          beta = 1f;
        }
        Gemm.sgemm(
            ctx.threads(),
            p.transA(),
            p.transB(),
            m,
            n,
            k,
            p.alpha(),
            FloatIo.toFloats(a),
            0,
            lda,
            FloatIo.toFloats(b),
            0,
            ldb,
            beta,
            yf,
            0,
            n);
        FloatIo.store(yf, y);
        activate(p.activation(), y);
      }
      case INT32, UINT32 -> {
        int[] ya = y.ints();
        int yo = y.offset();
        if (c != null) {
          int[] ca = c.ints();
          int co = c.offset();
          for (int i = 0; i < m * n; i++) {
            ya[yo + i] = ca[co + (cMap == null ? i : cMap[i])];
          }
        }
        ReferenceGemm.igemm(
            p.transA(),
            p.transB(),
            m,
            n,
            k,
            a.ints(),
            a.offset(),
            lda,
            b.ints(),
            b.offset(),
            ldb,
            c != null,
            ya,
            yo,
            n);
      }
      default -> {
        long[] ya = y.longs();
        int yo = y.offset();
        if (c != null) {
          long[] ca = c.longs();
          int co = c.offset();
          for (int i = 0; i < m * n; i++) {
            ya[yo + i] = ca[co + (cMap == null ? i : cMap[i])];
          }
        }
        ReferenceGemm.lgemm(
            p.transA(),
            p.transB(),
            m,
            n,
            k,
            a.longs(),
            a.offset(),
            lda,
            b.longs(),
            b.offset(),
            ldb,
            c != null,
            ya,
            yo,
            n);
      }
    }
  }

  /** FusedGemm's activation for float64 and 16-bit floats: in double, rounded once. */
  private static void activate(FusedActivation activation, Tensor y) {
    if (activation == null) {
      return;
    }
    for (int i = 0; i < y.size(); i++) {
      y.setDouble(i, activation.apply(y.getDouble(i)));
    }
  }
}
