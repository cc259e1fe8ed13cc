package dev.ledge.train.optim;

import java.util.List;

/** Gradient clipping by global norm, as PyTorch's {@code clip_grad_norm_}. */
public final class GradientClipping {
  private GradientClipping() {}

  /** The L2 norm of all gradients together (accumulated in double, in parameter order). */
  public static double globalNorm(List<Parameter> params) {
    double s = 0;
    for (Parameter p : params) {
      float[] g = p.grad().floats();
      int o = p.grad().offset();
      for (int i = 0; i < p.size(); i++) {
        s += (double) g[o + i] * g[o + i];
      }
    }
    return Math.sqrt(s);
  }

  /**
   * Scales every gradient by {@code maxNorm / (norm + 1e-6)} when the global norm exceeds {@code
   * maxNorm}; returns the norm before clipping.
   */
  public static double clipGlobalNorm(List<Parameter> params, double maxNorm) {
    double norm = globalNorm(params);
    double coef = maxNorm / (norm + 1e-6);
    if (coef < 1) {
      float c = (float) coef;
      for (Parameter p : params) {
        float[] g = p.grad().floats();
        int o = p.grad().offset();
        for (int i = 0; i < p.size(); i++) {
          g[o + i] *= c;
        }
      }
    }
    return norm;
  }
}
