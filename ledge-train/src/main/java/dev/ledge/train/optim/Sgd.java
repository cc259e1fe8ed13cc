package dev.ledge.train.optim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, as
 * PyTorch's {@code torch.optim.SGD} (no dampening): {@code g += wd * p}; {@code buf = momentum *
 * buf + g} (the first step sets {@code buf = g}); {@code g = nesterov ? g + momentum * buf : buf};
 * {@code p -= lr * g}.
 */
public final class Sgd implements Optimizer {
  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;
  private final Map<String, float[]> buffers = new HashMap<>();

  /** Plain SGD. */
  public Sgd() {
    this(0, false, 0);
  }

  public Sgd(double momentum, boolean nesterov, double weightDecay) {
    if (momentum < 0 || weightDecay < 0 || (nesterov && momentum == 0)) {
      throw new IllegalArgumentException(
          "need momentum >= 0 (> 0 for Nesterov) and weight decay >= 0");
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  @Override
  public void step(List<Parameter> params, double lr) {
    float flr = (float) lr;
    float wd = (float) weightDecay;
    float mom = (float) momentum;
    for (Parameter p : params) {
      float[] v = p.value().floats();
      float[] g = p.grad().floats();
      int vo = p.value().offset();
      int go = p.grad().offset();
      int n = p.size();
      float[] buf = null;
      boolean first = false;
      if (momentum != 0) {
        buf = buffers.get(p.name());
        if (buf == null) {
          buf = new float[n];
          buffers.put(p.name(), buf);
          first = true;
        }
      }
      for (int i = 0; i < n; i++) {
        float d = g[go + i];
        if (wd != 0) {
          d += wd * v[vo + i];
        }
        if (buf != null) {
          buf[i] = first ? d : mom * buf[i] + d;
          d = nesterov ? d + mom * buf[i] : buf[i];
        }
        v[vo + i] -= flr * d;
      }
    }
  }

  @Override
  public String describe() {
    return "sgd"
        + (momentum != 0 ? " momentum " + momentum + (nesterov ? " nesterov" : "") : "")
        + (weightDecay != 0 ? " weight decay " + weightDecay : "");
  }
}
