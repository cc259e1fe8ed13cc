package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * Folds a per-channel constant {@code Mul} or {@code Add} after an inference-mode
 * BatchNormalization into the BN's scale and bias: {@code BN(x) * s} is BN with scale {@code scale
 * * s} and bias {@code B * s}; {@code BN(x) + a} is BN with bias {@code B + a} (computed in double,
 * rounded once). Pre-activation networks (DenseNet, Inception-v2) exported from Caffe2 carry such
 * pairs after every BN that does not follow a Conv.
 *
 * <p>Applies when the BN is in inference mode with one output, its scale and bias are constants of
 * X's float type (float32 or float64), X's rank is known, the operand is a finite constant that
 * broadcasts per channel without changing the BN output's shape, the BN output is read by the
 * Mul/Add alone, and the opset is 9 or later (BN without {@code spatial}).
 */
public final class BatchNormMulAddFusion extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    long opset = scope.onnxOpset();
    if (opset < 9) {
      return false;
    }
    boolean changed = false;
    for (Node bn : List.copyOf(scope.graph().nodes())) {
      if (!bn.opType().equals("BatchNormalization")
          || !bn.domain().isEmpty()
          || bn.inputs().size() != 5
          || bn.outputs().size() != 1
          || bn.outputs().getFirst().isEmpty()
          || !scope.graph().nodes().contains(bn)
          || (opset >= 14 && trainingMode(bn))) {
        continue;
      }
      String y = bn.outputs().getFirst();
      List<Node> users = scope.users(y);
      if (users.size() != 1 || !scope.onlyUsedBy(y, users.getFirst())) {
        continue;
      }
      Node next = users.getFirst();
      String mul = ChannelConstants.otherOperand(next, "Mul", y, opset);
      String add = ChannelConstants.otherOperand(next, "Add", y, opset);
      if (mul != null) {
        changed |= fuse(scope, bn, next, mul, true);
      } else if (add != null) {
        changed |= fuse(scope, bn, next, add, false);
      }
    }
    return changed;
  }

  private static boolean trainingMode(Node bn) {
    Attribute a = bn.attribute("training_mode");
    return a != null && (a.type() != Attribute.Type.INT || a.asInt() != 0);
  }

  private static boolean fuse(GraphScope scope, Node bn, Node op, String operand, boolean mul) {
    Tensor scale = scope.constant(bn.input(1));
    Tensor bias = scope.constant(bn.input(2));
    int rank = scope.rank(bn.input(0));
    if (scale == null || bias == null || rank < 2) {
      return false;
    }
    DType t = scale.dtype();
    int c = scale.size();
    if (!ChannelConstants.foldableType(t)
        || scale.rank() != 1
        || bias.dtype() != t
        || bias.rank() != 1
        || bias.size() != c
        || (scope.dtype(bn.input(0)) != null && scope.dtype(bn.input(0)) != t)) {
      return false;
    }
    double[] k = ChannelConstants.perChannel(scope.constant(operand), t, rank, c);
    if (k == null) {
      return false;
    }
    Tensor bias2 = Tensor.allocate(t, c);
    if (mul) {
      Tensor scale2 = Tensor.allocate(t, c);
      for (int i = 0; i < c; i++) {
        scale2.setDouble(i, scale.getDouble(i) * k[i]);
        bias2.setDouble(i, bias.getDouble(i) * k[i]);
      }
      bn.inputs().set(1, scope.addInitializer(bn.input(1) + "_scaled", scale2));
      bn.inputs().set(2, scope.addInitializer(bn.input(2) + "_scaled", bias2));
    } else {
      for (int i = 0; i < c; i++) {
        bias2.setDouble(i, bias.getDouble(i) + k[i]);
      }
      bn.inputs().set(2, scope.addInitializer(bn.input(2) + "_shifted", bias2));
    }
    bn.outputs().set(0, op.outputs().getFirst());
    List<Node> nodes = scope.graph().nodes();
    nodes.remove(bn);
    nodes.set(nodes.indexOf(op), bn);
    scope.refresh();
    return true;
  }
}
