package dev.ledge.passes;

import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * Folds a per-channel constant {@code Mul} or {@code Add} after a Conv into the Conv's weights and
 * bias: {@code Conv(x, W, B) * s} is {@code Conv(x, W * s, B * s)} and {@code Conv(x, W, B) + a} is
 * {@code Conv(x, W, B + a)}, with s and a per output channel (shape [M, 1, ...], [1, M, 1, ...]) or
 * one value, computed in double and rounded once. This is what Caffe-style "Scale" layers and
 * decomposed batch norms leave behind.
 *
 * <p>Applies when W (and B, if present) and the operand are constants of the Conv's float type
 * (float32 or float64), all finite, the operand broadcasts without changing the Conv output's
 * shape, the Conv output is read by the Mul/Add alone, and the opset is 7 or later (numpy
 * broadcasting).
 */
public final class ConvMulAddFusion extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node conv : List.copyOf(scope.graph().nodes())) {
      if (!conv.opType().equals("Conv")
          || !conv.domain().isEmpty()
          || conv.outputs().size() != 1
          || conv.inputs().size() < 2
          || conv.inputs().size() > 3
          || !scope.graph().nodes().contains(conv)) {
        continue;
      }
      String y = conv.outputs().getFirst();
      List<Node> users = scope.users(y);
      if (users.size() != 1 || !scope.onlyUsedBy(y, users.getFirst())) {
        continue;
      }
      Node next = users.getFirst();
      long opset = scope.onnxOpset();
      String mul = ChannelConstants.otherOperand(next, "Mul", y, opset);
      String add = ChannelConstants.otherOperand(next, "Add", y, opset);
      if (mul != null) {
        changed |= fuse(scope, conv, next, mul, true);
      } else if (add != null) {
        changed |= fuse(scope, conv, next, add, false);
      }
    }
    return changed;
  }

  private static boolean fuse(GraphScope scope, Node conv, Node op, String operand, boolean mul) {
    Tensor w = scope.constant(conv.input(1));
    String bName = conv.input(2);
    Tensor b = bName.isEmpty() ? null : scope.constant(bName);
    if (w == null || (!bName.isEmpty() && b == null) || w.rank() < 3) {
      return false;
    }
    DType t = w.dtype();
    int m = w.dim(0);
    if (!ChannelConstants.foldableType(t)
        || (b != null && (b.dtype() != t || b.rank() != 1 || b.dim(0) != m))) {
      return false;
    }
    double[] k = ChannelConstants.perChannel(scope.constant(operand), t, w.rank(), m);
    if (k == null) {
      return false;
    }
    if (mul) {
      conv.inputs()
          .set(1, ChannelConstants.scaleWeights(scope, conv, conv.input(1), w, k, "_scaled"));
      if (b != null) {
        Tensor b2 = Tensor.allocate(t, m);
        for (int c = 0; c < m; c++) {
          b2.setDouble(c, b.getDouble(c) * k[c]);
        }
        conv.inputs().set(2, scope.addInitializer(bName + "_scaled", b2));
      }
    } else {
      Tensor b2 = Tensor.allocate(t, m);
      for (int c = 0; c < m; c++) {
        b2.setDouble(c, (b == null ? 0 : b.getDouble(c)) + k[c]);
      }
      String base = bName.isEmpty() ? conv.input(1) + "_bias" : bName + "_shifted";
      while (conv.inputs().size() < 3) {
        conv.inputs().add("");
      }
      conv.inputs().set(2, scope.addInitializer(base, b2));
    }
    conv.outputs().set(0, op.outputs().getFirst());
    List<Node> nodes = scope.graph().nodes();
    nodes.remove(conv);
    nodes.set(nodes.indexOf(op), conv);
    scope.refresh();
    return true;
  }
}
