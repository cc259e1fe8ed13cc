package dev.ledge.train.autograd;

import dev.ledge.graph.Attribute;
import java.util.ArrayList;
import java.util.List;

/** Rules of Gemm, MatMul and Transpose, expressed with Gemm, MatMul and Transpose themselves. */
final class MatrixRules {
  private MatrixRules() {}

  static void register(GradientRules r) {
    r.register("Gemm", MatrixRules::gemm);
    r.register("MatMul", MatrixRules::matmul);
    r.register("Transpose", MatrixRules::transpose);
  }

  /**
   * A Gemm node {@code alpha * op(a) * op(b)} without C (opset 11+) or with a zero scalar C (opsets
   * 7-10, where C is required).
   */
  private static String gemm(
      GradContext c, String a, String b, boolean ta, boolean tb, double alpha) {
    List<String> in = new ArrayList<>(List.of(a, b));
    if (c.opset() < 11) {
      in.add(c.scalar(0, c.floatType()));
    }
    return c.onnx(
        "Gemm",
        in,
        ta ? Attribute.of("transA", 1L) : null,
        tb ? Attribute.of("transB", 1L) : null,
        alpha != 1 ? Attribute.of("alpha", (float) alpha) : null);
  }

  private static void gemm(GradContext c) {
    if (c.opset() < 7) {
      throw c.unsupported("Gemm before opset 7 (legacy broadcast attribute)");
    }
    boolean ta = c.attrInt("transA", 0) != 0;
    boolean tb = c.attrInt("transB", 0) != 0;
    double alpha = c.attrFloat("alpha", 1f);
    double beta = c.attrFloat("beta", 1f);
    String dy = c.outputGrad(0);
    String a = c.input(0);
    String b = c.input(1);
    if (c.needsGrad(0)) {
      // d op(A) = alpha * dY * op(B)^T; dA is that or its transpose.
      String g = !ta ? gemm(c, dy, b, false, !tb, alpha) : gemm(c, b, dy, tb, true, alpha);
      c.setInputGrad(0, g);
    }
    if (c.needsGrad(1)) {
      // d op(B) = alpha * op(A)^T * dY; dB is that or its transpose.
      String g = !tb ? gemm(c, a, dy, !ta, false, alpha) : gemm(c, dy, a, true, ta, alpha);
      c.setInputGrad(1, g);
    }
    if (c.needsGrad(2)) {
      String g = beta == 1 ? dy : c.onnx("Mul", List.of(dy, c.scalar(beta, c.floatType())));
      c.setInputGrad(2, c.sumTo(g, c.output(0), c.input(2)));
    }
  }

  /**
   * MatMul with numpy semantics: 1-D operands are lifted to matrices ([K] → [1, K] on the left, [K,
   * 1] on the right) and batch dims broadcast. dA = dY · Bᵀ and dB = Aᵀ · dY, summed over broadcast
   * batch dims and reshaped back.
   */
  private static void matmul(GradContext c) {
    String a = c.input(0);
    String b = c.input(1);
    String dy = c.outputGrad(0);
    int ra = c.requireRank(a);
    int rb = c.requireRank(b);
    if (ra == 2 && rb == 2) {
      if (c.needsGrad(0)) {
        c.setInputGrad(0, gemm(c, dy, b, false, true, 1));
      }
      if (c.needsGrad(1)) {
        c.setInputGrad(1, gemm(c, a, dy, true, false, 1));
      }
      return;
    }
    if (c.opset() < 5) {
      throw c.unsupported("MatMul gradients of non-matrix operands need Reshape-5 or later");
    }
    String a2 = ra == 1 ? c.onnx("Reshape", List.of(a, c.longs(1, -1))) : a;
    String b2 = rb == 1 ? c.onnx("Reshape", List.of(b, c.longs(-1, 1))) : b;
    int ra2 = Math.max(ra, 2);
    int rb2 = Math.max(rb, 2);
    int ry = Math.max(ra2, rb2) - (ra == 1 ? 1 : 0) - (rb == 1 ? 1 : 0);
    String dy2 = dy;
    if (ra == 1 || rb == 1) {
      // Re-insert the lifted unit dims: 0 copies the gradient's dim at the same index.
      int batch = ry - (ra == 1 ? 0 : 1) - (rb == 1 ? 0 : 1);
      long[] shape = new long[batch + 2];
      if (ra == 1 && rb == 1) {
        shape[batch] = 1;
        shape[batch + 1] = 1;
      } else if (ra == 1) {
        shape[batch] = 1;
        shape[batch + 1] = -1;
      } else {
        shape[batch] = 0;
        shape[batch + 1] = 1;
      }
      dy2 = c.onnx("Reshape", List.of(dy, c.longs(shape)));
    }
    if (c.needsGrad(0)) {
      String g = c.onnx("MatMul", List.of(dy2, swapLast(c, b2, rb2)));
      g = c.train("ReduceSumTo", List.of(g, a2));
      c.setInputGrad(0, ra == 1 ? c.train("ReshapeLike", List.of(g, a)) : g);
    }
    if (c.needsGrad(1)) {
      String g = c.onnx("MatMul", List.of(swapLast(c, a2, ra2), dy2));
      g = c.train("ReduceSumTo", List.of(g, b2));
      c.setInputGrad(1, rb == 1 ? c.train("ReshapeLike", List.of(g, b)) : g);
    }
  }

  private static String swapLast(GradContext c, String v, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 1] = rank - 2;
    perm[rank - 2] = rank - 1;
    return c.onnx("Transpose", List.of(v), Attribute.of("perm", perm));
  }

  private static void transpose(GradContext c) {
    Attribute p = c.attr("perm");
    long[] perm;
    if (p == null) {
      int r = c.requireRank(c.input(0));
      perm = new long[r];
      for (int i = 0; i < r; i++) {
        perm[i] = r - 1 - i;
      }
    } else {
      perm = p.asInts();
    }
    long[] inv = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      int axis = (int) (perm[i] < 0 ? perm[i] + perm.length : perm[i]);
      inv[axis] = i;
    }
    c.setInputGrad(0, c.onnx("Transpose", List.of(c.outputGrad(0)), Attribute.of("perm", inv)));
  }
}
