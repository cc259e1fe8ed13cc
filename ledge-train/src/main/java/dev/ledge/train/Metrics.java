package dev.ledge.train;

import dev.ledge.tensor.Tensor;

/** Small classification metrics over prediction tensors. */
public final class Metrics {
  private Metrics() {}

  /** The arg-max of row {@code i} of a {@code [N, C]} tensor (first maximum; NaN never wins). */
  public static int argmax(Tensor scores, int i) {
    int c = scores.rank() == 2 ? scores.dim(1) : scores.size() / Math.max(1, scores.dim(0));
    int best = 0;
    double bv = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < c; k++) {
      double v = scores.getDouble(i * c + k);
      if (v > bv) {
        bv = v;
        best = k;
      }
    }
    return best;
  }

  /** Rows whose arg-max equals the label ({@code [N, 1]} scores: threshold 0 on logits). */
  public static int correct(Tensor scores, Tensor labels) {
    int n = labels.size();
    int c = scores.size() / Math.max(1, n);
    int ok = 0;
    for (int i = 0; i < n; i++) {
      int pred = c == 1 ? (scores.getDouble(i) > 0 ? 1 : 0) : argmax(scores, i);
      if (pred == labels.getLong(i)) {
        ok++;
      }
    }
    return ok;
  }
}
