package dev.ledge.train.optim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam and AdamW, as PyTorch's {@code torch.optim.Adam} / {@code AdamW}: {@code m = b1 m + (1 - b1)
 * g}, {@code v = b2 v + (1 - b2) g^2}, {@code p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) +
 * eps)}. Adam's weight decay is L2 ({@code g += wd * p}); AdamW's is decoupled ({@code p *= 1 - lr
 * * wd} before the update).
 */
public final class Adam implements Optimizer {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean decoupled;
  private final Map<String, float[][]> moments = new HashMap<>();
  private long t;

  private Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0)) {
      throw new IllegalArgumentException("need betas in [0, 1), eps > 0 and weight decay >= 0");
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
  }

  /** Adam with PyTorch's defaults (0.9, 0.999, 1e-8, no weight decay). */
  public static Adam adam() {
    return new Adam(0.9, 0.999, 1e-8, 0, false);
  }

  /** Adam with L2 weight decay. */
  public static Adam adam(double beta1, double beta2, double eps, double weightDecay) {
    return new Adam(beta1, beta2, eps, weightDecay, false);
  }

  /** AdamW with PyTorch's defaults (weight decay 0.01). */
  public static Adam adamW() {
    return new Adam(0.9, 0.999, 1e-8, 0.01, true);
  }

  /** AdamW (decoupled weight decay). */
  public static Adam adamW(double beta1, double beta2, double eps, double weightDecay) {
    return new Adam(beta1, beta2, eps, weightDecay, true);
  }

  @Override
  public void step(List<Parameter> params, double lr) {
    t++;
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    float stepSize = (float) (lr / bc1);
    float sqrtBc2 = (float) Math.sqrt(bc2);
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float feps = (float) eps;
    float wd = (float) weightDecay;
    float decay = (float) (1 - lr * weightDecay);
    for (Parameter p : params) {
      float[] v = p.value().floats();
      float[] g = p.grad().floats();
      int vo = p.value().offset();
      int go = p.grad().offset();
      int n = p.size();
      float[][] mv =
          moments.computeIfAbsent(p.name(), k -> new float[][] {new float[n], new float[n]});
      float[] m = mv[0];
      float[] s = mv[1];
      for (int i = 0; i < n; i++) {
        float d = g[go + i];
        if (wd != 0) {
          if (decoupled) {
            v[vo + i] *= decay;
          } else {
            d += wd * v[vo + i];
          }
        }
        m[i] = b1 * m[i] + (1 - b1) * d;
        s[i] = b2 * s[i] + (1 - b2) * d * d;
        v[vo + i] -= stepSize * m[i] / ((float) Math.sqrt(s[i]) / sqrtBc2 + feps);
      }
    }
  }

  @Override
  public String describe() {
    return (decoupled ? "adamw" : "adam")
        + " betas ("
        + beta1
        + ", "
        + beta2
        + ") eps "
        + eps
        + (weightDecay != 0 ? " weight decay " + weightDecay : "");
  }
}
