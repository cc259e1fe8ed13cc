package dev.ledge.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ledge.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Optimizers against the PyTorch update formulas evaluated in double. */
class OptimizerTest {
  private static Parameter param(float[] v) {
    return new Parameter(
        "p",
        Tensor.wrap(v.clone(), v.length),
        Tensor.allocate(dev.ledge.tensor.DType.FLOAT32, v.length));
  }

  private static void grad(Parameter p, double[] g) {
    for (int i = 0; i < g.length; i++) {
      p.grad().setDouble(i, g[i]);
    }
  }

  private static final double[][] GRADS = {
    {0.5, -1, 2}, {0.1, 0.3, -0.2}, {-0.7, 0.4, 1}, {0.2, -0.2, 0.05}
  };
  private static final float[] START = {1, -2, 0.5f};

  @Test
  void sgdMomentumNesterovWeightDecay() {
    for (boolean nesterov : new boolean[] {false, true}) {
      double lr = 0.1;
      double mom = 0.9;
      double wd = 0.01;
      Parameter p = param(START);
      Sgd sgd = new Sgd(mom, nesterov, wd);
      double[] x = {START[0], START[1], START[2]};
      double[] buf = new double[3];
      for (int s = 0; s < GRADS.length; s++) {
        grad(p, GRADS[s]);
        sgd.step(List.of(p), lr);
        for (int i = 0; i < 3; i++) {
          double g = GRADS[s][i] + wd * x[i];
          buf[i] = s == 0 ? g : mom * buf[i] + g;
          double d = nesterov ? g + mom * buf[i] : buf[i];
          x[i] -= lr * d;
          assertEquals(x[i], p.value().getDouble(i), 1e-6, "step " + s + " nesterov " + nesterov);
        }
      }
    }
    Parameter p = param(START);
    grad(p, GRADS[0]);
    new Sgd().step(List.of(p), 0.5);
    assertEquals(START[0] - 0.25, p.value().getDouble(0), 1e-7);
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0, true, 0));
  }

  @Test
  void adamAndAdamW() {
    for (boolean decoupled : new boolean[] {false, true}) {
      double lr = 0.01;
      double b1 = 0.9;
      double b2 = 0.999;
      double eps = 1e-8;
      double wd = 0.1;
      Adam opt = decoupled ? Adam.adamW(b1, b2, eps, wd) : Adam.adam(b1, b2, eps, wd);
      Parameter p = param(START);
      double[] x = {START[0], START[1], START[2]};
      double[] m = new double[3];
      double[] v = new double[3];
      for (int s = 0; s < GRADS.length; s++) {
        grad(p, GRADS[s]);
        opt.step(List.of(p), lr);
        int t = s + 1;
        for (int i = 0; i < 3; i++) {
          double g = GRADS[s][i];
          if (decoupled) {
            x[i] *= 1 - lr * wd;
          } else {
            g += wd * x[i];
          }
          m[i] = b1 * m[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          double mh = m[i] / (1 - Math.pow(b1, t));
          double vh = v[i] / (1 - Math.pow(b2, t));
          x[i] -= lr * mh / (Math.sqrt(vh) + eps);
          assertEquals(
              x[i], p.value().getDouble(i), 2e-6, "adam step " + s + " decoupled " + decoupled);
        }
      }
    }
  }

  @Test
  void schedules() {
    assertEquals(0.1, LrSchedule.constant(0.1).at(1000));
    LrSchedule step = LrSchedule.step(1, 10, 0.5);
    assertEquals(1, step.at(9));
    assertEquals(0.5, step.at(10));
    assertEquals(0.25, step.at(25));
    LrSchedule cos = LrSchedule.cosine(1, 100, 0.1);
    assertEquals(1, cos.at(0), 1e-12);
    assertEquals(0.55, cos.at(50), 1e-12);
    assertEquals(0.1, cos.at(100), 1e-12);
    assertEquals(0.1, cos.at(500), 1e-12);
    LrSchedule warm = LrSchedule.warmup(4, cos);
    assertEquals(0.25, warm.at(0), 1e-12);
    assertEquals(1, warm.at(3), 1e-12);
    assertEquals(1, warm.at(4), 1e-12);
    assertEquals(0.55, warm.at(54), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(1, 0, 0));
  }

  @Test
  void globalNormClipping() {
    Parameter a = param(new float[] {0, 0});
    Parameter b = param(new float[] {0});
    grad(a, new double[] {3, 0});
    grad(b, new double[] {4});
    assertEquals(5, GradientClipping.globalNorm(List.of(a, b)), 1e-12);
    double before = GradientClipping.clipGlobalNorm(List.of(a, b), 1);
    assertEquals(5, before, 1e-12);
    assertEquals(1, GradientClipping.globalNorm(List.of(a, b)), 1e-6);
    assertEquals(0.6, a.grad().getDouble(0), 1e-6);
    GradientClipping.clipGlobalNorm(List.of(a, b), 10); // below the limit: unchanged
    assertEquals(0.6, a.grad().getDouble(0), 1e-6);
  }
}
