package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.assertClose;
import static dev.ledge.ops.nn.TestTensors.random;
import static dev.ledge.ops.nn.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizationOpTest {
  /** A tensor of positive values (variances). */
  private static Tensor positive(DType t, long seed, int... shape) {
    Tensor r = random(t, seed, shape);
    for (int i = 0; i < r.size(); i++) {
      r.setDouble(i, Math.abs(r.getDouble(i)) + 0.5);
    }
    return r;
  }

  /** Mean and population variance of {@code v} at the given indices. */
  private static double[] stats(double[] v, int[] at) {
    double s = 0;
    for (int i : at) {
      s += v[i];
    }
    double mu = s / at.length;
    double ss = 0;
    for (int i : at) {
      ss += (v[i] - mu) * (v[i] - mu);
    }
    return new double[] {mu, ss / at.length};
  }

  @Test
  void batchNormInferenceInFloat64AndPerActivationBeforeOpset9() {
    Tensor x = random(DType.FLOAT64, 1, 2, 3, 4);
    Tensor s = random(DType.FLOAT64, 2, 3);
    Tensor b = random(DType.FLOAT64, 3, 3);
    Tensor m = random(DType.FLOAT64, 4, 3);
    Tensor v = positive(DType.FLOAT64, 5, 3);
    Tensor y =
        NodeRunner.op("BatchNormalization")
            .opset(15)
            .attr("epsilon", 0.01f)
            .input(x)
            .input(s)
            .input(b)
            .input(m)
            .input(v)
            .run0();
    double[] xv = values(x);
    double[] e = new double[24];
    double eps = 0.01f;
    for (int i = 0; i < 24; i++) {
      int c = (i / 4) % 3;
      e[i] =
          s.getDouble(c) * (xv[i] - m.getDouble(c)) / Math.sqrt(v.getDouble(c) + eps)
              + b.getDouble(c);
    }
    assertClose(x.shape(), e, y, 1e-12);
    // spatial=0: parameters per (channel, position).
    Tensor x2 = random(7, 2, 2, 3);
    Tensor[] p = {
      random(8, 2, 3), random(9, 2, 3), random(10, 2, 3), positive(DType.FLOAT32, 11, 2, 3)
    };
    Tensor y2 =
        NodeRunner.op("BatchNormalization")
            .opset(7)
            .attr("spatial", 0L)
            .input(x2)
            .input(p[0])
            .input(p[1])
            .input(p[2])
            .input(p[3])
            .run0();
    double[] e2 = new double[12];
    for (int i = 0; i < 12; i++) {
      int f = i % 6;
      e2[i] =
          p[0].getDouble(f)
                  * (x2.getDouble(i) - p[2].getDouble(f))
                  / Math.sqrt(p[3].getDouble(f) + 1e-5f)
              + p[1].getDouble(f);
    }
    assertClose(x2.shape(), e2, y2, 1e-5);
  }

  @Test
  void batchNormTrainingOutputsAndOldTrainingMode() {
    Tensor x = random(12, 3, 2, 4);
    Tensor s = random(13, 2);
    Tensor b = random(14, 2);
    Tensor m = random(DType.FLOAT64, 15, 2);
    Tensor v = positive(DType.FLOAT64, 16, 2);
    List<Tensor> out =
        NodeRunner.op("BatchNormalization")
            .opset(15)
            .attr("training_mode", 1L)
            .attr("momentum", 0.8f)
            .input(x)
            .input(s)
            .input(b)
            .input(m)
            .input(v)
            .outputs(3)
            .run();
    double[] xv = values(x);
    double[] e = new double[24];
    for (int c = 0; c < 2; c++) {
      int[] at = new int[12];
      for (int i = 0, k = 0; i < 24; i++) {
        if ((i / 4) % 2 == c) {
          at[k++] = i;
        }
      }
      double[] st = stats(xv, at);
      for (int i : at) {
        e[i] = s.getDouble(c) * (xv[i] - st[0]) / Math.sqrt(st[1] + 1e-5f) + b.getDouble(c);
      }
      assertEquals(m.getDouble(c) * 0.8f + st[0] * (1 - 0.8f), out.get(1).getDouble(c), 1e-7);
      assertEquals(v.getDouble(c) * 0.8f + st[1] * (1 - 0.8f), out.get(2).getDouble(c), 1e-7);
    }
    assertEquals(DType.FLOAT64, out.get(1).dtype());
    assertClose(x.shape(), e, out.get(0), 1e-5);
    // Opset 6 with is_test=0 (the default) normalizes with the batch statistics too.
    Tensor m32 = random(15, 2);
    Tensor v32 = positive(DType.FLOAT32, 16, 2);
    Tensor y6 =
        NodeRunner.op("BatchNormalization")
            .opset(6)
            .input(x)
            .input(s)
            .input(b)
            .input(m32)
            .input(v32)
            .run0();
    assertClose(x.shape(), e, y6, 1e-5);
    assertThrows(
        UnsupportedOpException.class,
        () ->
            NodeRunner.op("BatchNormalization")
                .opset(9)
                .input(x)
                .input(s)
                .input(b)
                .input(m32)
                .input(v32)
                .outputs(3)
                .run());
    LedgeException err =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("BatchNormalization")
                    .input(x)
                    .input(random(1, 3))
                    .input(b)
                    .input(m32)
                    .input(v32)
                    .run0());
    assertTrue(err.getMessage().contains("scale has shape"), err.getMessage());
  }

  @Test
  void layerNormWithBroadcastParametersStatisticsAndHalfInput() {
    Tensor x = random(DType.FLOAT16, 17, 2, 3, 4);
    Tensor w = random(DType.FLOAT16, 18, 3, 1);
    Tensor b = random(DType.FLOAT16, 19, 4);
    List<Tensor> out =
        NodeRunner.op("LayerNormalization")
            .attr("axis", 1L)
            .opset(17)
            .input(x)
            .input(w)
            .input(b)
            .outputs(3)
            .run();
    double[] xv = values(x);
    double[] e = new double[24];
    for (int n = 0; n < 2; n++) {
      int[] at = new int[12];
      for (int j = 0; j < 12; j++) {
        at[j] = n * 12 + j;
      }
      double[] st = stats(xv, at);
      double inv = 1 / Math.sqrt(st[1] + 1e-5f);
      for (int j = 0; j < 12; j++) {
        e[n * 12 + j] = (xv[n * 12 + j] - st[0]) * inv * w.getDouble(j / 4) + b.getDouble(j % 4);
      }
      assertEquals(st[0], out.get(1).getDouble(n), 1e-6);
      assertEquals(inv, out.get(2).getDouble(n), 1e-5 * inv);
    }
    assertClose(x.shape(), e, out.get(0), 2e-3);
    assertEquals(DType.FLOAT16, out.get(0).dtype());
    assertArrayEquals(new int[] {2, 1, 1}, out.get(1).shape());
    assertEquals(DType.FLOAT32, out.get(2).dtype());
    assertThrows(
        UnsupportedOpException.class,
        () ->
            NodeRunner.op("LayerNormalization")
                .opset(17)
                .attr("stash_type", 16L)
                .input(x)
                .input(w)
                .run0());
    LedgeException err =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("LayerNormalization")
                    .opset(17)
                    .input(random(1, 2, 3))
                    .input(random(2, 2))
                    .run0());
    assertTrue(err.getMessage().contains("does not broadcast"), err.getMessage());
  }

  @Test
  void rmsNormOutputHasTheScaleType() {
    Tensor x = random(20, 2, 5);
    Tensor w = random(DType.FLOAT64, 21, 5);
    Tensor y = NodeRunner.op("RMSNormalization").opset(23).input(x).input(w).run0();
    assertEquals(DType.FLOAT64, y.dtype());
    double[] xv = values(x);
    double[] e = new double[10];
    for (int n = 0; n < 2; n++) {
      double ss = 0;
      for (int j = 0; j < 5; j++) {
        ss += xv[n * 5 + j] * xv[n * 5 + j];
      }
      double inv = 1 / Math.sqrt(ss / 5 + 1e-5f);
      for (int j = 0; j < 5; j++) {
        e[n * 5 + j] = xv[n * 5 + j] * inv * w.getDouble(j);
      }
    }
    assertClose(x.shape(), e, y, 1e-12);
  }

  @Test
  void groupNormPerGroupBeforeOpset21AndPerChannelFrom21() {
    Tensor x = random(22, 2, 4, 3);
    double[] xv = values(x);
    double[] normalized = new double[24];
    for (int n = 0; n < 2; n++) {
      for (int g = 0; g < 2; g++) {
        int[] at = new int[6];
        for (int j = 0; j < 6; j++) {
          at[j] = n * 12 + g * 6 + j;
        }
        double[] st = stats(xv, at);
        for (int i : at) {
          normalized[i] = (xv[i] - st[0]) / Math.sqrt(st[1] + 1e-5f);
        }
      }
    }
    Tensor s18 = random(23, 2);
    Tensor b18 = random(24, 2);
    Tensor y18 =
        NodeRunner.op("GroupNormalization")
            .opset(18)
            .attr("num_groups", 2L)
            .input(x)
            .input(s18)
            .input(b18)
            .run0();
    Tensor s21 = random(25, 4);
    Tensor b21 = random(26, 4);
    Tensor y21 =
        NodeRunner.op("GroupNormalization")
            .opset(21)
            .attr("num_groups", 2L)
            .input(x)
            .input(s21)
            .input(b21)
            .run0();
    double[] e18 = new double[24];
    double[] e21 = new double[24];
    for (int i = 0; i < 24; i++) {
      int c = (i / 3) % 4;
      e18[i] = normalized[i] * s18.getDouble(c / 2) + b18.getDouble(c / 2);
      e21[i] = normalized[i] * s21.getDouble(c) + b21.getDouble(c);
    }
    assertClose(x.shape(), e18, y18, 1e-5);
    assertClose(x.shape(), e21, y21, 1e-5);
    LedgeException err =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("GroupNormalization")
                    .opset(21)
                    .attr("num_groups", 3L)
                    .input(x)
                    .input(s21)
                    .input(b21)
                    .run0());
    assertTrue(err.getMessage().contains("divisible"), err.getMessage());
    err =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("GroupNormalization")
                    .opset(18)
                    .attr("num_groups", 2L)
                    .input(x)
                    .input(s21)
                    .input(b21)
                    .run0());
    assertTrue(err.getMessage().contains("num_groups"), err.getMessage());
  }

  @Test
  void instanceLrnLpAndMeanVarianceNormalization() {
    Tensor x = random(DType.FLOAT64, 27, 1, 4, 3);
    double[] xv = values(x);
    Tensor s = random(DType.FLOAT64, 28, 4);
    Tensor b = random(DType.FLOAT64, 29, 4);
    Tensor yi = NodeRunner.op("InstanceNormalization").input(x).input(s).input(b).run0();
    double[] ei = new double[12];
    for (int c = 0; c < 4; c++) {
      double[] st = stats(xv, new int[] {3 * c, 3 * c + 1, 3 * c + 2});
      for (int j = 0; j < 3; j++) {
        ei[3 * c + j] =
            s.getDouble(c) * (xv[3 * c + j] - st[0]) / Math.sqrt(st[1] + 1e-5f) + b.getDouble(c);
      }
    }
    assertClose(x.shape(), ei, yi, 1e-12);
    // LRN with an even size: channels [c - 1, c + 2].
    Tensor yl =
        NodeRunner.op("LRN")
            .attr("size", 4L)
            .attr("alpha", 0.5f)
            .attr("beta", 0.6f)
            .attr("bias", 1.5f)
            .input(x)
            .run0();
    double[] el = new double[12];
    for (int c = 0; c < 4; c++) {
      for (int j = 0; j < 3; j++) {
        double ss = 0;
        for (int k = Math.max(0, c - 1); k <= Math.min(3, c + 2); k++) {
          ss += xv[3 * k + j] * xv[3 * k + j];
        }
        el[3 * c + j] = xv[3 * c + j] / Math.pow(1.5f + 0.5f / 4 * ss, 0.6f);
      }
    }
    assertClose(x.shape(), el, yl, 1e-12);
    // L1 along axis 1 uses absolute values.
    Tensor yp = NodeRunner.op("LpNormalization").attr("axis", 1L).attr("p", 1L).input(x).run0();
    double[] ep = new double[12];
    for (int j = 0; j < 3; j++) {
      double norm = 0;
      for (int c = 0; c < 4; c++) {
        norm += Math.abs(xv[3 * c + j]);
      }
      for (int c = 0; c < 4; c++) {
        ep[3 * c + j] = xv[3 * c + j] / norm;
      }
    }
    assertClose(x.shape(), ep, yp, 1e-12);
    // MVN over axis 2 only.
    Tensor ym =
        NodeRunner.op("MeanVarianceNormalization").opset(13).ints("axes", 2).input(x).run0();
    double[] em = new double[12];
    for (int c = 0; c < 4; c++) {
      double[] st = stats(xv, new int[] {3 * c, 3 * c + 1, 3 * c + 2});
      for (int j = 0; j < 3; j++) {
        em[3 * c + j] = (xv[3 * c + j] - st[0]) / (Math.sqrt(st[1]) + 1e-9);
      }
    }
    assertClose(x.shape(), em, ym, 1e-12);
    LedgeException err =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("MeanVarianceNormalization").ints("axes", 3).input(x).run0());
    assertTrue(err.getMessage().contains("out of range"), err.getMessage());
    err =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("InstanceNormalization")
                    .input(x)
                    .input(random(DType.FLOAT64, 1, 3))
                    .input(b)
                    .run0());
    assertTrue(err.getMessage().contains("shape"), err.getMessage());
    err =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("LpNormalization").attr("p", 3L).input(x).run0());
    assertTrue(err.getMessage().contains("p is 3"), err.getMessage());
    err = assertThrows(LedgeException.class, () -> NodeRunner.op("LRN").input(x).run0());
    assertTrue(err.getMessage().contains("size"), err.getMessage());
  }

  private static Tensor widened(Tensor t) {
    Tensor d = Tensor.allocate(DType.FLOAT64, t.shape());
    for (int i = 0; i < t.size(); i++) {
      d.setDouble(i, t.getDouble(i));
    }
    return d;
  }

  /**
   * Float32 layer and RMS norm (the SIMD kernel unless -Dledge.kernels=scalar) against the same
   * node on float64 (the double reference), over row lengths with and without vector tails,
   * constant and fed parameters, per-column and broadcast ones, and the statistics outputs.
   */
  @Test
  void float32RowsMatchTheDoubleReference() {
    int[][] shapes = {{3, 1}, {2, 7}, {4, 16}, {2, 33}, {3, 100}, {2, 3, 5}};
    long seed = 40;
    for (int[] shape : shapes) {
      for (boolean rmsNorm : new boolean[] {false, true}) {
        for (boolean constants : new boolean[] {false, true}) {
          int axis = shape.length - 1;
          int[] ps = {shape[axis]};
          Tensor x = random(seed++, shape);
          Tensor w = random(seed++, ps);
          Tensor b = random(seed++, ps);
          NodeRunner f32 = NodeRunner.op(rmsNorm ? "RMSNormalization" : "LayerNormalization");
          NodeRunner f64 = NodeRunner.op(rmsNorm ? "RMSNormalization" : "LayerNormalization");
          for (NodeRunner n : new NodeRunner[] {f32, f64}) {
            n.opset(rmsNorm ? 23 : 17).attr("axis", (long) axis);
          }
          f32.input(x);
          f64.input(widened(x));
          if (constants) {
            f32.constant(w);
            f64.constant(widened(w));
          } else {
            f32.input(w);
            f64.input(widened(w));
          }
          if (!rmsNorm) {
            f32.input(b).outputs(3);
            f64.input(widened(b)).outputs(3);
          }
          List<Tensor> got = f32.run();
          List<Tensor> want = f64.run();
          for (int o = 0; o < got.size(); o++) {
            assertClose(want.get(o).shape(), values(want.get(o)), got.get(o), 2e-5);
          }
        }
      }
    }
  }
}
