package dev.ledge.passes;

import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import java.util.List;
import java.util.Map;

/**
 * Fuses {@code Add(MatMul(A, B), C)} (either operand order) into {@code Gemm(A, B, C)} when A is
 * [M, K] and B is [K, N] with static shapes, C has a static shape that Gemm broadcasts to [M, N]
 * (rank 0 to 2, each dim 1 or equal to the target's), everything is float32 or float64, the MatMul
 * output is read by the Add alone, and the model's opset has Gemm-7 or later (unidirectional
 * broadcast of C). Gemm adds C to the product, which may round differently than two nodes do.
 */
public final class MatMulAddFusion extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    if (scope.onnxOpset() < 7) {
      return false;
    }
    boolean changed = false;
    for (Node add : List.copyOf(scope.graph().nodes())) {
      if (!add.opType().equals("Add")
          || !add.domain().isEmpty()
          || add.inputs().size() != 2
          || add.outputs().size() != 1
          || add.input(0).equals(add.input(1))) {
        continue;
      }
      for (int side = 0; side < 2; side++) {
        Node mm = scope.producer(add.input(side));
        if (mm != null
            && mm.opType().equals("MatMul")
            && mm.domain().isEmpty()
            && mm.inputs().size() == 2
            && mm.outputs().size() == 1
            && scope.onlyUsedBy(add.input(side), add)
            && fuse(scope, mm, add, add.input(1 - side))) {
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  private static boolean fuse(GraphScope scope, Node mm, Node add, String c) {
    String a = mm.input(0);
    String b = mm.input(1);
    int[] as = scope.staticShape(a);
    int[] bs = scope.staticShape(b);
    int[] cs = scope.staticShape(c);
    DType t = scope.dtype(a);
    if (as == null || bs == null || cs == null || as.length != 2 || bs.length != 2) {
      return false;
    }
    if (as[1] != bs[0]
        || (t != DType.FLOAT32 && t != DType.FLOAT64)
        || scope.dtype(b) != t
        || scope.dtype(c) != t) {
      return false;
    }
    int[] target = {as[0], bs[1]};
    if (cs.length > 2) {
      return false;
    }
    for (int i = 0; i < cs.length; i++) {
      int d = cs[i];
      int want = target[2 - cs.length + i];
      if (d != 1 && d != want) {
        return false;
      }
    }
    Node gemm =
        new Node(
            mm.name(), "Gemm", "", List.of(a, b, c), List.of(add.outputs().getFirst()), Map.of());
    List<Node> nodes = scope.graph().nodes();
    nodes.set(nodes.indexOf(add), gemm);
    nodes.remove(mm);
    scope.refresh();
    return true;
  }
}
