package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;

/**
 * Folds an inference-mode BatchNormalization into the Conv before it. With {@code a = scale /
 * sqrt(var + epsilon)} per output channel, {@code BN(Conv(x, W, B))} is {@code Conv(x, W * a, (B -
 * mean) * a + bias)}, computed in double and rounded once to the weights' type, so results differ
 * from the unfused graph only by float rounding.
 *
 * <p>Applies when the Conv's weights (and bias, if any) and all four BN parameters are constants of
 * one float type (float32 or float64) with the expected shapes ([M, C/group, k...] and [M]), the
 * Conv output is read by the BN alone, and the BN is in inference mode with one output: {@code
 * is_test=1} before opset 7, {@code spatial=1} before opset 9, {@code training_mode=0} from opset
 * 14.
 */
public final class ConvBatchNormFusion extends GraphRewrite {
  @Override
  protected boolean rewrite(GraphScope scope) {
    boolean changed = false;
    for (Node bn : List.copyOf(scope.graph().nodes())) {
      if (!bn.opType().equals("BatchNormalization") || !bn.domain().isEmpty()) {
        continue;
      }
      Node conv = scope.producer(bn.input(0));
      if (conv != null
          && conv.opType().equals("Conv")
          && conv.domain().isEmpty()
          && conv.outputs().size() == 1
          && inferenceBn(scope, bn)
          && scope.onlyUsedBy(bn.input(0), bn)) {
        changed |= fuse(scope, conv, bn);
      }
    }
    return changed;
  }

  private static boolean inferenceBn(GraphScope scope, Node bn) {
    long v = scope.onnxOpset();
    if (bn.inputs().size() != 5 || bn.outputs().isEmpty() || bn.outputs().getFirst().isEmpty()) {
      return false;
    }
    for (int i = 1; i < bn.outputs().size(); i++) {
      if (!bn.outputs().get(i).isEmpty()) {
        return false;
      }
    }
    if (v < 7 && intAttr(bn, "is_test", 0) == 0) {
      return false;
    }
    if (v < 9 && intAttr(bn, "spatial", 1) != 1) {
      return false;
    }
    return v < 14 || intAttr(bn, "training_mode", 0) == 0;
  }

  private static long intAttr(Node n, String name, long dflt) {
    Attribute a = n.attribute(name);
    if (a == null) {
      return dflt;
    }
    return a.type() == Attribute.Type.INT ? a.asInt() : Long.MIN_VALUE;
  }

  private static boolean fuse(GraphScope scope, Node conv, Node bn) {
    Tensor w = scope.constant(conv.input(1));
    String bName = conv.input(2);
    Tensor b = bName.isEmpty() ? null : scope.constant(bName);
    if (w == null || (!bName.isEmpty() && b == null) || conv.inputs().size() > 3) {
      return false;
    }
    DType t = w.dtype();
    if ((t != DType.FLOAT32 && t != DType.FLOAT64) || w.rank() < 3) {
      return false;
    }
    int m = w.dim(0);
    Tensor[] p = new Tensor[4]; // scale, bias, mean, var
    for (int i = 0; i < 4; i++) {
      p[i] = scope.constant(bn.input(i + 1));
      if (p[i] == null || p[i].dtype() != t || p[i].rank() != 1 || p[i].dim(0) != m) {
        return false;
      }
    }
    if (b != null && (b.dtype() != t || b.rank() != 1 || b.dim(0) != m)) {
      return false;
    }
    if (scope.dtype(conv.input(0)) != null && scope.dtype(conv.input(0)) != t) {
      return false;
    }
    Attribute epsAttr = bn.attribute("epsilon");
    if (epsAttr != null && epsAttr.type() != Attribute.Type.FLOAT) {
      return false;
    }
    // The BN kernel widens the float attribute to double; so do we.
    double eps = epsAttr == null ? 1e-5f : epsAttr.asFloat();

    double[] a = new double[m];
    Tensor b2 = Tensor.allocate(t, m);
    for (int c = 0; c < m; c++) {
      a[c] = p[0].getDouble(c) / Math.sqrt(p[3].getDouble(c) + eps);
      if (!Double.isFinite(a[c])) {
        return false; // x * inf is NaN for x = 0 but W * inf is not: not the same function
      }
      double bias = b == null ? 0 : b.getDouble(c);
      b2.setDouble(c, (bias - p[2].getDouble(c)) * a[c] + p[1].getDouble(c));
    }
    String wName = ChannelConstants.scaleWeights(scope, conv, conv.input(1), w, a, "_bn");
    String b2Name = scope.addInitializer((bName.isEmpty() ? conv.input(1) : bName) + "_bn", b2);
    while (conv.inputs().size() < 3) {
      conv.inputs().add("");
    }
    conv.inputs().set(1, wName);
    conv.inputs().set(2, b2Name);
    conv.outputs().set(0, bn.outputs().getFirst());
    // The Conv now writes the BN's output; it takes the BN's place in node order.
    scope.graph().nodes().remove(conv);
    scope.graph().nodes().set(scope.graph().nodes().indexOf(bn), conv);
    scope.refresh();
    return true;
  }
}
