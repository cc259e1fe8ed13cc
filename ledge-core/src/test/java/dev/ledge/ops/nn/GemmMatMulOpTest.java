package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.assertClose;
import static dev.ledge.ops.nn.TestTensors.random;
import static dev.ledge.ops.nn.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GemmMatMulOpTest {
  /** alpha * A' B' + beta * C with C broadcast by the given index function. */
  private static double[] gemm(
      Tensor a, Tensor b, Tensor c, boolean ta, boolean tb, double alpha, double beta) {
    int m = a.dim(ta ? 1 : 0);
    int k = a.dim(ta ? 0 : 1);
    int n = b.dim(tb ? 0 : 1);
    double[] y = new double[m * n];
    int[] cs = c == null ? null : c.shape();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = ta ? a.getDouble(p * a.dim(1) + i) : a.getDouble(i * a.dim(1) + p);
          double bv = tb ? b.getDouble(j * b.dim(1) + p) : b.getDouble(p * b.dim(1) + j);
          s += av * bv;
        }
        double cv = 0;
        if (c != null) {
          int ci =
              cs.length == 0
                  ? 0
                  : cs.length == 1
                      ? (cs[0] == 1 ? 0 : j)
                      : (cs[0] == 1 ? 0 : i) * cs[1] + (cs[1] == 1 ? 0 : j);
          cv = c.getDouble(ci);
        }
        y[i * n + j] = alpha * s + beta * cv;
      }
    }
    return y;
  }

  @Test
  void gemmBroadcastsEveryCShape() {
    Tensor a = random(1, 5, 3);
    Tensor b = random(2, 4, 5);
    int[][] cShapes = {{}, {1}, {4}, {1, 4}, {3, 1}, {3, 4}, {1, 1}};
    for (int[] cs : cShapes) {
      Tensor c = random(3, cs);
      Tensor y =
          NodeRunner.op("Gemm")
              .opset(13)
              .attr("transA", 1L)
              .attr("transB", 1L)
              .attr("alpha", 0.5f)
              .attr("beta", -2f)
              .input(a)
              .input(b)
              .input(c)
              .run0();
      assertClose(new int[] {3, 4}, gemm(a, b, c, true, true, 0.5, -2), y, 1e-5);
    }
  }

  @Test
  void gemmWithoutCAndWithBetaZeroIgnoresC() {
    Tensor a = random(4, 2, 3);
    Tensor b = random(5, 3, 2);
    Tensor y = NodeRunner.op("Gemm").opset(11).input(a).input(b).run0();
    assertClose(new int[] {2, 2}, gemm(a, b, null, false, false, 1, 0), y, 1e-6);
    Tensor nan = Tensor.wrap(new float[] {Float.NaN}, 1);
    Tensor y0 = NodeRunner.op("Gemm").attr("beta", 0f).input(a).input(b).input(nan).run0();
    assertClose(new int[] {2, 2}, gemm(a, b, null, false, false, 1, 0), y0, 1e-6);
  }

  @Test
  void gemmBeforeOpset7NeedsBroadcastForASmallerC() {
    Tensor a = random(6, 2, 3);
    Tensor b = random(7, 3, 2);
    Tensor c = random(8, 2);
    assertThrows(
        LedgeException.class,
        () -> NodeRunner.op("Gemm").opset(6).input(a).input(b).input(c).run0());
    Tensor y =
        NodeRunner.op("Gemm").opset(6).attr("broadcast", 1L).input(a).input(b).input(c).run0();
    assertClose(new int[] {2, 2}, gemm(a, b, c, false, false, 1, 1), y, 1e-6);
  }

  @Test
  void gemmOnIntegersAndHalfFloats() {
    Tensor a = Tensor.wrap(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = Tensor.wrap(new long[] {1, 0, 0, 1, 1, 1}, 3, 2);
    Tensor c = Tensor.wrap(new long[] {10, 20}, 2);
    Tensor y = NodeRunner.op("Gemm").input(a).input(b).input(c).run0();
    assertArrayEquals(new long[] {14, 25, 20, 31}, y.longs());
    assertThrows(
        UnsupportedOpException.class,
        () -> NodeRunner.op("Gemm").attr("alpha", 2f).input(a).input(b).input(c).run0());
    Tensor ah = random(DType.FLOAT16, 9, 3, 4);
    Tensor bh = random(DType.BFLOAT16, 10, 4, 2);
    Tensor bh16 = random(DType.FLOAT16, 10, 4, 2);
    Tensor yh = NodeRunner.op("Gemm").input(ah).input(bh16).run0();
    assertClose(new int[] {3, 2}, gemm(ah, bh16, null, false, false, 1, 0), yh, 2e-3);
    assertThrows(LedgeException.class, () -> NodeRunner.op("Gemm").input(ah).input(bh).run0());
  }

  /** numpy matmul from first principles for the given (already broadcast) operands. */
  private static double[] matmul(
      double[] a, double[] b, int batches, int[] mapA, int[] mapB, int m, int k, int n) {
    double[] y = new double[batches * m * n];
    for (int t = 0; t < batches; t++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += a[mapA[t] * m * k + i * k + p] * b[mapB[t] * k * n + p * n + j];
          }
          y[(t * m + i) * n + j] = s;
        }
      }
    }
    return y;
  }

  @Test
  void matMulBroadcastsBatchesAndPromotesVectors() {
    Tensor a = random(11, 2, 1, 3, 4);
    Tensor b = random(12, 3, 4, 5);
    Tensor y = NodeRunner.op("MatMul").input(a).input(b).run0();
    // batch shape [2, 3]: a's batch index is t / 3, b's is t % 3.
    int[] mapA = {0, 0, 0, 1, 1, 1};
    int[] mapB = {0, 1, 2, 0, 1, 2};
    assertClose(
        new int[] {2, 3, 3, 5}, matmul(values(a), values(b), 6, mapA, mapB, 3, 4, 5), y, 1e-5);
    Tensor v = random(13, 4);
    Tensor yv = NodeRunner.op("MatMul").input(v).input(b).run0();
    assertClose(
        new int[] {3, 5},
        matmul(values(v), values(b), 3, new int[3], new int[] {0, 1, 2}, 1, 4, 5),
        yv,
        1e-5);
    Tensor yvv = NodeRunner.op("MatMul").input(v).input(v).run0();
    assertClose(
        new int[] {}, matmul(values(v), values(v), 1, new int[1], new int[1], 1, 4, 1), yvv, 1e-5);
  }

  @Test
  void matMulOnIntegersWraps() {
    Tensor a = Tensor.wrap(new int[] {Integer.MAX_VALUE, 1, 2, 3}, 2, 2);
    Tensor b = Tensor.wrap(new int[] {2, 0, 0, 1}, 2, 2);
    Tensor y = NodeRunner.op("MatMul").input(a).input(b).run0();
    assertArrayEquals(new int[] {Integer.MAX_VALUE * 2, 1, 4, 3}, y.ints());
    Tensor d = random(DType.FLOAT64, 14, 3, 3);
    Tensor yd = NodeRunner.op("MatMul").dynamic().input(d).input(d).run0();
    assertClose(
        new int[] {3, 3},
        matmul(values(d), values(d), 1, new int[1], new int[1], 3, 3, 3),
        yd,
        1e-12);
    assertThrows(
        LedgeException.class, () -> NodeRunner.op("MatMul").opset(8).input(a).input(b).run0());
  }

  @Test
  void badShapesAreClearErrors() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("MatMul").input(random(1, 2, 3)).input(random(2, 4, 2)).run0());
    assertTrue(e.getMessage().contains("inner dims differ"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("MatMul").input(random(1, 2, 2, 3)).input(random(2, 3, 3, 2)).run0());
    assertTrue(e.getMessage().contains("broadcast"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("Gemm").input(random(1, 2, 3)).input(random(2, 2, 2)).run0());
    assertTrue(e.getMessage().contains("inner dims differ"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Gemm")
                    .input(random(1, 2, 3))
                    .input(random(2, 3, 2))
                    .input(random(3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("does not broadcast"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("Gemm").input(random(1, 2, 3, 1)).input(random(2, 3, 2)).run0());
    assertTrue(e.getMessage().contains("rank"), e.getMessage());
  }
}
