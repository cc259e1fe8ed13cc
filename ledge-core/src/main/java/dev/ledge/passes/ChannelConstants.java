package dev.ledge.passes;

import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;

/** Helpers for folding per-channel constants (dim 1 of an [N, C, ...] value) into weights. */
final class ChannelConstants {
  private ChannelConstants() {}

  /**
   * The values of a constant that a Mul or Add with an {@code [N, C, ...]} value of the given rank
   * broadcasts per channel without changing that value's shape: its dims, aligned to the right, are
   * all 1 except possibly the channel dim, which may be {@code channels}. Returns one value per
   * channel (a single value repeated), or null if the constant has another shape, is not
   * float32/float64 of {@code dtype}, or holds a non-finite value.
   */
  static double[] perChannel(Tensor c, DType dtype, int rank, int channels) {
    if (c == null || c.dtype() != dtype || c.rank() > rank || rank < 2) {
      return null;
    }
    int channelAxis = 1 - (rank - c.rank()); // the constant's axis aligned with dim 1, if any
    for (int i = 0; i < c.rank(); i++) {
      int d = c.dim(i);
      if (d != 1 && !(i == channelAxis && d == channels)) {
        return null;
      }
    }
    boolean varies = channelAxis >= 0 && channelAxis < c.rank() && c.dim(channelAxis) == channels;
    double[] r = new double[channels];
    for (int ch = 0; ch < channels; ch++) {
      r[ch] = c.getDouble(varies ? ch : 0);
      if (!Double.isFinite(r[ch])) {
        return null;
      }
    }
    return r;
  }

  /**
   * For a binary Mul or Add node (opset 7+, numpy broadcasting) reading {@code value}, the name of
   * its other operand, or null if the node is not such a node or reads {@code value} twice.
   */
  static String otherOperand(Node n, String op, String value, long opset) {
    if (!n.opType().equals(op)
        || !n.domain().isEmpty()
        || opset < 7
        || n.inputs().size() != 2
        || n.outputs().size() != 1
        || n.outputs().getFirst().isEmpty()) {
      return null;
    }
    String a = n.input(0);
    String b = n.input(1);
    if (a.equals(value) && !b.equals(value)) {
      return b;
    }
    if (b.equals(value) && !a.equals(value)) {
      return a;
    }
    return null;
  }

  /**
   * Replaces {@code user}'s weights input {@code name} (constant {@code w}: float32 or float64, dim
   * 0 = output channels) by one with every element of channel c multiplied by {@code k[c]} in
   * double and rounded once, under a fresh name based on {@code name + suffix}, which is returned.
   *
   * <p>When this optimization run created {@code w} (a folded value or an earlier rewrite) and
   * {@code user} is its only reader, the tensor is scaled in place and moves to the new name: a
   * Conv whose weights came out of ConstantFolding and that absorbs a BatchNormalization and a Mul
   * then costs no copy of its weights. Otherwise a new tensor is allocated.
   */
  static String scaleWeights(
      GraphScope scope, Node user, String name, Tensor w, double[] k, String suffix) {
    PassContext context = scope.context();
    boolean inPlace =
        context.created(w)
            && scope.graph().initializers().get(name) == w
            && scope.onlyUsedBy(name, user);
    Tensor r = inPlace ? w : Tensor.allocate(w.dtype(), w.shape());
    scale(w, k, r);
    if (inPlace) {
      scope.graph().initializers().remove(name);
    } else {
      context.markCreated(r);
    }
    return scope.addInitializer(name + suffix, r);
  }

  /** {@code dst = w * k[channel]} element by element; {@code dst} may be {@code w}. */
  private static void scale(Tensor w, double[] k, Tensor dst) {
    int m = w.dim(0);
    int per = m == 0 ? 0 : w.size() / m;
    if (w.dtype() == DType.FLOAT32 && w.isArrayBacked() && dst.isArrayBacked()) {
      float[] src = w.floats();
      float[] out = dst.floats();
      int so = w.offset();
      int ro = dst.offset();
      for (int c = 0; c < m; c++) {
        double f = k[c];
        for (int j = c * per, end = j + per; j < end; j++) {
          out[ro + j] = (float) (src[so + j] * f);
        }
      }
      return;
    }
    for (int c = 0; c < m; c++) {
      for (int j = c * per, end = j + per; j < end; j++) {
        dst.setDouble(j, w.getDouble(j) * k[c]);
      }
    }
  }

  /** True for the float types whose folded math Ledge rounds once from double. */
  static boolean foldableType(DType t) {
    return t == DType.FLOAT32 || t == DType.FLOAT64;
  }
}
