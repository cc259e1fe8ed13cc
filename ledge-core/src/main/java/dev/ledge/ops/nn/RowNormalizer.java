package dev.ledge.ops.nn;

import dev.ledge.tensor.Shapes;

/**
 * The kernel behind LayerNormalization, RMSNormalization, InstanceNormalization and
 * GroupNormalization: the input is a matrix of {@code rows} contiguous rows of {@code cols}
 * elements; each row is standardized by its own mean and (population) variance, or only scaled by
 * its root mean square, then an affine map is applied. Statistics are computed in double (two
 * passes).
 *
 * <p>The scale of element (r, j) is {@code scale.values[scale.rowBase[r] + scale.colMap[j]]}, and
 * likewise the bias: this covers a per-row parameter (instance/group norm), a per-column one (layer
 * norm) and any broadcast of a parameter tensor, since a broadcast index is a sum of per-dim terms.
 */
final class RowNormalizer {
  private RowNormalizer() {}

  /** A scale or bias: its values and where element (r, j) finds its value. */
  record Affine(double[] values, int[] rowBase, int[] colMap) {}

  /** The parameters of one call; {@code bias} may be null. */
  record Params(int rows, int cols, double epsilon, boolean center, Affine scale, Affine bias) {}

  /** Float rows; {@code mean} and {@code invStd} (may be null) receive each row's statistics. */
  static void normalize(
      Params p, float[] x, int xo, float[] y, int yo, double[] mean, double[] invStd) {
    int cols = p.cols();
    for (int r = 0; r < p.rows(); r++) {
      int base = xo + r * cols;
      double mu = 0;
      if (p.center()) {
        for (int j = 0; j < cols; j++) {
          mu += x[base + j];
        }
        mu /= cols;
      }
      double ss = 0;
      for (int j = 0; j < cols; j++) {
        double d = x[base + j] - mu;
        ss += d * d;
      }
      double inv = 1 / Math.sqrt(ss / cols + p.epsilon());
      int out = yo + r * cols;
      double[] sc = p.scale().values();
      int sr = p.scale().rowBase()[r];
      int[] scm = p.scale().colMap();
      if (p.bias() == null) {
        for (int j = 0; j < cols; j++) {
          y[out + j] = (float) ((x[base + j] - mu) * inv * sc[sr + scm[j]]);
        }
      } else {
        double[] bi = p.bias().values();
        int br = p.bias().rowBase()[r];
        int[] bcm = p.bias().colMap();
        for (int j = 0; j < cols; j++) {
          y[out + j] = (float) ((x[base + j] - mu) * inv * sc[sr + scm[j]] + bi[br + bcm[j]]);
        }
      }
      if (mean != null) {
        mean[r] = mu;
      }
      if (invStd != null) {
        invStd[r] = inv;
      }
    }
  }

  /** Double rows; see the float version. */
  static void normalize(
      Params p, double[] x, int xo, double[] y, int yo, double[] mean, double[] invStd) {
    int cols = p.cols();
    for (int r = 0; r < p.rows(); r++) {
      int base = xo + r * cols;
      double mu = 0;
      if (p.center()) {
        for (int j = 0; j < cols; j++) {
          mu += x[base + j];
        }
        mu /= cols;
      }
      double ss = 0;
      for (int j = 0; j < cols; j++) {
        double d = x[base + j] - mu;
        ss += d * d;
      }
      double inv = 1 / Math.sqrt(ss / cols + p.epsilon());
      int out = yo + r * cols;
      double[] sc = p.scale().values();
      int sr = p.scale().rowBase()[r];
      int[] scm = p.scale().colMap();
      if (p.bias() == null) {
        for (int j = 0; j < cols; j++) {
          y[out + j] = (x[base + j] - mu) * inv * sc[sr + scm[j]];
        }
      } else {
        double[] bi = p.bias().values();
        int br = p.bias().rowBase()[r];
        int[] bcm = p.bias().colMap();
        for (int j = 0; j < cols; j++) {
          y[out + j] = (x[base + j] - mu) * inv * sc[sr + scm[j]] + bi[br + bcm[j]];
        }
      }
      if (mean != null) {
        mean[r] = mu;
      }
      if (invStd != null) {
        invStd[r] = inv;
      }
    }
  }

  /**
   * The linear offsets, into a tensor with element strides {@code strides}, of every index of
   * {@code dims} in row-major order. With broadcast strides (0 on broadcast dims) this is the
   * per-dim part of a broadcast index map.
   */
  static int[] offsets(int[] dims, int[] strides) {
    int n = Shapes.size(dims);
    int[] r = new int[n];
    int rank = dims.length;
    int[] idx = new int[rank];
    int off = 0;
    for (int i = 0; i < n; i++) {
      r[i] = off;
      for (int d = rank - 1; d >= 0; d--) {
        idx[d]++;
        off += strides[d];
        if (idx[d] < dims[d]) {
          break;
        }
        off -= strides[d] * idx[d];
        idx[d] = 0;
      }
    }
    return r;
  }
}
