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
   * A new tensor like {@code w} (float32 or float64, dim 0 = output channels) with every element of
   * channel c multiplied by {@code k[c]} in double and rounded once.
   */
  static Tensor scaleChannels(Tensor w, double[] k) {
    int m = w.dim(0);
    int per = m == 0 ? 0 : w.size() / m;
    Tensor r = Tensor.allocate(w.dtype(), w.shape());
    if (w.dtype() == DType.FLOAT32 && w.isArrayBacked()) {
      float[] src = w.floats();
      float[] dst = r.floats();
      int so = w.offset();
      int ro = r.offset();
      for (int c = 0; c < m; c++) {
        double f = k[c];
        for (int j = c * per, end = j + per; j < end; j++) {
          dst[ro + j] = (float) (src[so + j] * f);
        }
      }
      return r;
    }
    for (int c = 0; c < m; c++) {
      for (int j = c * per, end = j + per; j < end; j++) {
        r.setDouble(j, w.getDouble(j) * k[c]);
      }
    }
    return r;
  }

  /** True for the float types whose folded math Ledge rounds once from double. */
  static boolean foldableType(DType t) {
    return t == DType.FLOAT32 || t == DType.FLOAT64;
  }
}
