package dev.ledge.ops.nn;

import dev.ledge.graph.Dim;
import dev.ledge.graph.Shape;
import dev.ledge.kernels.Gemm;
import dev.ledge.kernels.ReferenceGemm;
import dev.ledge.ops.Broadcast;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.Operator;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Shapes;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MatMul (opsets 1, 9, 13): matrix product with numpy semantics. A 1-D first operand is a row
 * vector and a 1-D second operand a column vector (the added dim is removed from the result);
 * leading (batch) dims broadcast. Float types (float16/bfloat16 computed in float32) and, from
 * opset 9, int32/int64/uint32/uint64 (exact, wrapping on overflow).
 */
final class MatMulOp implements Operator {
  private static final List<DType> INTS =
      List.of(DType.INT32, DType.INT64, DType.UINT32, DType.UINT64);

  @Override
  public Kernel prepare(OpContext ctx) {
    long v = ctx.opsetVersion();
    ctx.requireInputCount(2, 2);
    DType t = ctx.requireInputType(0);
    if (t == null) {
      throw ctx.error("input A has an unknown type");
    }
    boolean ok =
        t == DType.FLOAT16
            || t == DType.FLOAT32
            || t == DType.FLOAT64
            || (v >= 9 && INTS.contains(t))
            || (v >= 13 && t == DType.BFLOAT16);
    if (!ok) {
      throw ctx.error("A has type " + t + ", which MatMul-" + v + " does not accept");
    }
    if (ctx.inputDType(1) != null && ctx.inputDType(1) != t) {
      throw ctx.error("B has type " + ctx.inputDType(1) + ", expected " + t + " like A");
    }
    ctx.setOutput(0, t, staticShape(ctx, ctx.inputShape(0), ctx.inputShape(1)));
    return MatMulOp::run;
  }

  private static Shape staticShape(OpContext ctx, Shape a, Shape b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.rank() == 0 || b.rank() == 0) {
      throw ctx.error("MatMul operands must have at least one dim");
    }
    List<Dim> batchA = a.rank() > 2 ? a.dims().subList(0, a.rank() - 2) : List.of();
    List<Dim> batchB = b.rank() > 2 ? b.dims().subList(0, b.rank() - 2) : List.of();
    Shape batch = Broadcast.staticShape(new Shape(batchA), new Shape(batchB));
    if (batch == null) {
      throw ctx.error("batch dims of " + a + " and " + b + " do not broadcast");
    }
    List<Dim> out = new ArrayList<>(batch.dims());
    if (a.rank() >= 2) {
      out.add(a.dim(a.rank() - 2));
    }
    if (b.rank() >= 2) {
      out.add(b.dim(b.rank() - 1));
    }
    return new Shape(out);
  }

  /** Sizes and batch maps for given input shapes (the node's state between runs). */
  private record Sizes(
      int[] a, int[] b, int m, int k, int n, int batches, int[] out, int[] mapA, int[] mapB) {}

  private static Sizes sizes(ExecContext ctx, Tensor a, Tensor b) {
    if (a.rank() == 0 || b.rank() == 0) {
      throw ctx.error("MatMul operands must have at least one dim");
    }
    // Promote 1-D operands to matrices.
    int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
    int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
    int m = as[as.length - 2];
    int k = as[as.length - 1];
    int n = bs[bs.length - 1];
    if (bs[bs.length - 2] != k) {
      throw ctx.error(
          "inner dims differ: A is "
              + Arrays.toString(a.shape())
              + ", B is "
              + Arrays.toString(b.shape()));
    }
    int[] batchA = Arrays.copyOf(as, as.length - 2);
    int[] batchB = Arrays.copyOf(bs, bs.length - 2);
    int[] batch = Shapes.broadcastOrNull(batchA, batchB);
    if (batch == null) {
      throw ctx.error(
          "batch dims of A "
              + Arrays.toString(a.shape())
              + " and B "
              + Arrays.toString(b.shape())
              + " do not broadcast");
    }
    List<Integer> out = new ArrayList<>();
    for (int d : batch) {
      out.add(d);
    }
    if (a.rank() >= 2) {
      out.add(m);
    }
    if (b.rank() >= 2) {
      out.add(n);
    }
    int[] outShape = out.stream().mapToInt(Integer::intValue).toArray();
    int batches = Shapes.size(batch);
    int[] mapA = Broadcast.indexMap(batchA, batch);
    int[] mapB = Broadcast.indexMap(batchB, batch);
    Sizes z = new Sizes(a.shape(), b.shape(), m, k, n, batches, outShape, mapA, mapB);
    ctx.setKernelState(z);
    return z;
  }

  private static void run(ExecContext ctx) {
    Tensor a = ctx.input(0);
    Tensor b = ctx.input(1);
    Sizes z =
        ctx.kernelState() instanceof Sizes s && a.hasShape(s.a()) && b.hasShape(s.b())
            ? s
            : sizes(ctx, a, b);
    int m = z.m();
    int k = z.k();
    int n = z.n();
    int batches = z.batches();
    int[] mapA = z.mapA();
    int[] mapB = z.mapB();
    Tensor y = ctx.output(0, a.dtype(), z.out());
    int sa = m * k;
    int sb = k * n;
    int sy = m * n;
    switch (a.dtype()) {
      case FLOAT32 -> {
        float[] aa = a.floats();
        float[] ba = b.floats();
        float[] ya = y.floats();
        for (int i = 0; i < batches; i++) {
          Gemm.sgemm(
              ctx.threads(),
              false,
              false,
              m,
              n,
              k,
              1f,
              aa,
              a.offset() + mapA[i] * sa,
              k,
              ba,
              b.offset() + mapB[i] * sb,
              n,
              0f,
              ya,
              y.offset() + i * sy,
              n);
        }
      }
      case FLOAT64 -> {
        double[] aa = a.doubles();
        double[] ba = b.doubles();
        double[] ya = y.doubles();
        for (int i = 0; i < batches; i++) {
          ReferenceGemm.dgemm(
              false,
              false,
              m,
              n,
              k,
              1,
              aa,
              a.offset() + mapA[i] * sa,
              k,
              ba,
              b.offset() + mapB[i] * sb,
              n,
              0,
              ya,
              y.offset() + i * sy,
              n);
        }
      }
      case FLOAT16, BFLOAT16 -> {
        float[] aa = FloatIo.toFloats(a);
        float[] ba = FloatIo.toFloats(b);
        float[] ya = new float[y.size()];
        for (int i = 0; i < batches; i++) {
          Gemm.sgemm(
              ctx.threads(),
              false,
              false,
              m,
              n,
              k,
              1f,
              aa,
              mapA[i] * sa,
              k,
              ba,
              mapB[i] * sb,
              n,
              0f,
              ya,
              i * sy,
              n);
        }
        FloatIo.store(ya, y);
      }
      case INT32, UINT32 -> {
        for (int i = 0; i < batches; i++) {
          ReferenceGemm.igemm(
              false,
              false,
              m,
              n,
              k,
              a.ints(),
              a.offset() + mapA[i] * sa,
              k,
              b.ints(),
              b.offset() + mapB[i] * sb,
              n,
              false,
              y.ints(),
              y.offset() + i * sy,
              n);
        }
      }
      default -> {
        for (int i = 0; i < batches; i++) {
          ReferenceGemm.lgemm(
              false,
              false,
              m,
              n,
              k,
              a.longs(),
              a.offset() + mapA[i] * sa,
              k,
              b.longs(),
              b.offset() + mapB[i] * sb,
              n,
              false,
              y.longs(),
              y.offset() + i * sy,
              n);
        }
      }
    }
  }
}
