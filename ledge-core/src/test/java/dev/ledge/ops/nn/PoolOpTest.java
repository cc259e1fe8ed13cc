package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.assertClose;
import static dev.ledge.ops.nn.TestTensors.random;
import static dev.ledge.ops.nn.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolOpTest {
  /** Pooling from the definition over 1 or 2 spatial dims. Returns {shape, values, argmax}. */
  private static Object[] naive(
      Tensor x,
      String kind,
      int[] k,
      int[] s,
      int[] d,
      int[] pb,
      int[] pe,
      boolean ceil,
      boolean includePad,
      double p) {
    int r = x.rank() - 2;
    int n = x.dim(0);
    int c = x.dim(1);
    int h = r == 2 ? x.dim(2) : 1;
    int w = x.dim(r + 1);
    int[] in = r == 2 ? new int[] {h, w} : new int[] {w};
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int span = in[i] + pb[i] + pe[i] - ((k[i] - 1) * d[i] + 1);
      out[i] = (ceil ? Math.ceilDiv(span, s[i]) : span / s[i]) + 1;
      if (ceil && (out[i] - 1) * s[i] >= in[i] + pb[i]) {
        out[i]--;
      }
    }
    int oh = r == 2 ? out[0] : 1;
    int ow = out[r - 1];
    int kh = r == 2 ? k[0] : 1;
    double[] xv = values(x);
    double[] y = new double[n * c * oh * ow];
    long[] arg = new long[y.length];
    int o = 0;
    for (int pl = 0; pl < n * c; pl++) {
      for (int a = 0; a < oh; a++) {
        for (int b = 0; b < ow; b++, o++) {
          List<Integer> valid = new ArrayList<>();
          int padded = 0;
          for (int i = 0; i < kh; i++) {
            int hh = r == 2 ? a * s[0] - pb[0] + i * d[0] : 0;
            for (int j = 0; j < k[r - 1]; j++) {
              int ww = b * s[r - 1] - pb[r - 1] + j * d[r - 1];
              boolean inH = r == 1 || (hh >= -pb[0] && hh < h + pe[0]);
              if (inH && ww >= -pb[r - 1] && ww < w + pe[r - 1]) {
                padded++;
              }
              if (hh >= 0 && hh < h && ww >= 0 && ww < w) {
                valid.add(hh * w + ww);
              }
            }
          }
          double acc = kind.equals("max") ? Double.NEGATIVE_INFINITY : 0;
          int best = -1;
          for (int at : valid) {
            double v = xv[pl * h * w + at];
            switch (kind) {
              case "max" -> {
                if (best < 0 || v > acc) {
                  acc = v;
                  best = at;
                }
              }
              case "avg" -> acc += v;
              default -> acc += Math.pow(Math.abs(v), p);
            }
          }
          y[o] =
              switch (kind) {
                case "max" -> acc;
                case "avg" -> acc / (includePad ? padded : valid.size());
                default -> Math.pow(acc, 1 / p);
              };
          arg[o] = (long) pl * h * w + best;
        }
      }
    }
    int[] shape = r == 2 ? new int[] {n, c, oh, ow} : new int[] {n, c, ow};
    return new Object[] {shape, y, arg};
  }

  private static long[] l(int... v) {
    long[] r = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[i];
    }
    return r;
  }

  @Test
  void averagePoolCeilModeCountIncludePadAndDilations() {
    Tensor x = random(1, 2, 3, 7, 8);
    for (boolean include : new boolean[] {false, true}) {
      for (boolean ceil : new boolean[] {false, true}) {
        Object[] e =
            naive(
                x,
                "avg",
                new int[] {3, 2},
                new int[] {2, 3},
                new int[] {1, 2},
                new int[] {1, 0},
                new int[] {2, 1},
                ceil,
                include,
                0);
        Tensor y =
            NodeRunner.op("AveragePool")
                .opset(19)
                .ints("kernel_shape", 3, 2)
                .ints("strides", 2, 3)
                .ints("dilations", 1, 2)
                .ints("pads", 1, 0, 2, 1)
                .attr("ceil_mode", ceil ? 1L : 0L)
                .attr("count_include_pad", include ? 1L : 0L)
                .input(x)
                .run0();
        assertClose((int[]) e[0], (double[]) e[1], y, 1e-6);
      }
    }
  }

  @Test
  void splitAcrossThreadsGivesTheSameBitsAsOneThread() {
    // Each has enough work to split (planes x outputs x kernel >= 2 x 2^17, see PoolOp); the
    // configurations of common CNNs plus odd ones.
    int[][] configs = { // kernel, stride, pad begin, pad end, ceil, count_include_pad
      {3, 1, 1, 1, 0, 0},
      {3, 2, 0, 1, 0, 0},
      {3, 2, 1, 1, 1, 1},
      {2, 2, 0, 0, 0, 0},
      {2, 2, 0, 1, 1, 0},
      {3, 3, 2, 0, 1, 1},
      {5, 1, 2, 2, 0, 1}
    };
    int seed = 20;
    for (int[] c : configs) {
      for (String kind : new String[] {"max", "avg"}) {
        Tensor x = random(seed++, 2, 40, 64, 50);
        int[] k = {c[0], c[0]};
        int[] s = {c[1], c[1]};
        int[] pb = {c[2], c[2]};
        int[] pe = {c[3], c[3]};
        boolean ceil = c[4] != 0;
        boolean include = c[5] != 0;
        Object[] e = naive(x, kind, k, s, new int[] {1, 1}, pb, pe, ceil, include, 0);
        Tensor[] y = new Tensor[2];
        for (int t = 1; t <= 2; t++) {
          NodeRunner n =
              NodeRunner.op(kind.equals("max") ? "MaxPool" : "AveragePool")
                  .threads(t)
                  .ints("kernel_shape", k[0], k[1])
                  .ints("strides", s[0], s[1])
                  .ints("pads", pb[0], pb[1], pe[0], pe[1])
                  .attr("ceil_mode", ceil ? 1L : 0L);
          if (kind.equals("avg")) {
            n.attr("count_include_pad", include ? 1L : 0L);
          }
          y[t - 1] = n.input(x).run0();
          assertClose((int[]) e[0], (double[]) e[1], y[t - 1], kind.equals("max") ? 0 : 1e-6);
        }
        assertArrayEquals(y[0].floats(), y[1].floats(), kind + " " + Arrays.toString(c));
      }
    }
  }

  @Test
  void maxPoolIndicesInBothStorageOrders() {
    Tensor x = random(2, 2, 2, 5, 6);
    Object[] e =
        naive(
            x,
            "max",
            new int[] {2, 3},
            new int[] {2, 2},
            new int[] {2, 1},
            new int[] {1, 1},
            new int[] {0, 1},
            true,
            false,
            0);
    List<Tensor> rowMajor =
        NodeRunner.op("MaxPool")
            .ints("kernel_shape", 2, 3)
            .ints("strides", 2, 2)
            .ints("dilations", 2, 1)
            .ints("pads", 1, 1, 0, 1)
            .attr("ceil_mode", 1L)
            .input(x)
            .outputs(2)
            .run();
    assertClose((int[]) e[0], (double[]) e[1], rowMajor.get(0), 0);
    assertArrayEquals((long[]) e[2], rowMajor.get(1).longs());
    List<Tensor> colMajor =
        NodeRunner.op("MaxPool")
            .ints("kernel_shape", 2, 3)
            .ints("strides", 2, 2)
            .ints("dilations", 2, 1)
            .ints("pads", 1, 1, 0, 1)
            .attr("ceil_mode", 1L)
            .attr("storage_order", 1L)
            .input(x)
            .outputs(2)
            .run();
    long[] rm = (long[]) e[2];
    long[] cm = colMajor.get(1).longs();
    for (int i = 0; i < rm.length; i++) {
      long plane = rm[i] / 30;
      long hh = (rm[i] % 30) / 6;
      long ww = rm[i] % 6;
      assertEquals(plane * 30 + hh + ww * 5, cm[i], "index " + i);
    }
  }

  @Test
  void lpPoolOneDimWithPadsAndOtherTypes() {
    Tensor x = random(3, 1, 2, 9);
    Object[] e =
        naive(
            x,
            "lp",
            new int[] {3},
            new int[] {2},
            new int[] {1},
            new int[] {1},
            new int[] {2},
            false,
            false,
            3);
    Tensor y =
        NodeRunner.op("LpPool")
            .ints("kernel_shape", 3)
            .ints("strides", 2)
            .ints("pads", 1, 2)
            .attr("p", 3L)
            .input(x)
            .run0();
    assertClose((int[]) e[0], (double[]) e[1], y, 1e-6);
    // opset 1: p is a float attribute.
    Tensor y1 =
        NodeRunner.op("LpPool")
            .opset(1)
            .ints("kernel_shape", 3)
            .ints("strides", 2)
            .ints("pads", 1, 2)
            .attr("p", 3f)
            .input(x)
            .run0();
    assertClose((int[]) e[0], (double[]) e[1], y1, 1e-6);
    Tensor xd = random(DType.FLOAT64, 4, 1, 2, 9);
    Object[] ed =
        naive(
            xd,
            "max",
            new int[] {3},
            new int[] {1},
            new int[] {1},
            new int[] {0},
            new int[] {0},
            false,
            false,
            0);
    Tensor yd = NodeRunner.op("MaxPool").ints("kernel_shape", 3).input(xd).run0();
    assertClose((int[]) ed[0], (double[]) ed[1], yd, 0);
    Tensor xi = Tensor.wrap(DType.INT8, new byte[] {-100, -128, 20, 7}, 0, 1, 1, 4);
    Tensor yi = NodeRunner.op("MaxPool").opset(12).ints("kernel_shape", 2).input(xi).run0();
    assertArrayEquals(new long[] {-100, 20, 20}, yi.toLongArray());
    Tensor xh = random(DType.FLOAT16, 5, 1, 1, 6);
    Object[] eh =
        naive(
            xh,
            "avg",
            new int[] {2},
            new int[] {2},
            new int[] {1},
            new int[] {0},
            new int[] {0},
            false,
            false,
            0);
    Tensor yh =
        NodeRunner.op("AveragePool").ints("kernel_shape", 2).ints("strides", 2).input(xh).run0();
    assertClose((int[]) eh[0], (double[]) eh[1], yh, 1e-3);
  }

  @Test
  void globalPoolsAndMaxUnpool() {
    Tensor x = random(DType.FLOAT64, 6, 2, 3, 2, 2);
    Tensor avg = NodeRunner.op("GlobalAveragePool").input(x).run0();
    Tensor max = NodeRunner.op("GlobalMaxPool").input(x).run0();
    assertArrayEquals(new int[] {2, 3, 1, 1}, avg.shape());
    double[] v = values(x);
    for (int p = 0; p < 6; p++) {
      double s = 0;
      double m = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 4; i++) {
        s += v[p * 4 + i];
        m = Math.max(m, v[p * 4 + i]);
      }
      assertEquals(s / 4, avg.getDouble(p), 1e-15);
      assertEquals(m, max.getDouble(p), 0);
    }
    // MaxUnpool: indices into the unpooled 1x1x4x4, placed at the start of a 1x1x5x5 output.
    Tensor vals = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    Tensor idx = Tensor.wrap(new long[] {0, 3, 12, 15}, 1, 1, 2, 2);
    Tensor shape = Tensor.ofLongs(1, 1, 5, 5);
    Tensor y =
        NodeRunner.op("MaxUnpool")
            .ints("kernel_shape", 2, 2)
            .ints("strides", 2, 2)
            .input(vals)
            .input(idx)
            .input(shape)
            .run0();
    float[] expected = new float[25];
    expected[0] = 1;
    expected[3] = 2;
    expected[15] = 3;
    expected[18] = 4;
    assertArrayEquals(expected, y.floats());
    Tensor bad = Tensor.wrap(new long[] {0, 3, 12, 16}, 1, 1, 2, 2);
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("MaxUnpool")
                    .ints("kernel_shape", 2, 2)
                    .ints("strides", 2, 2)
                    .input(vals)
                    .input(bad)
                    .run0());
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
  }

  @Test
  void badAttributesAreClearErrors() {
    Tensor x = random(7, 1, 1, 4, 4);
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("MaxPool")
                    .ints("kernel_shape", 2, 2)
                    .ints("pads", 2, 0, 0, 0)
                    .input(x)
                    .run0());
    assertTrue(e.getMessage().contains("smaller than the kernel"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("AveragePool")
                    .opset(11)
                    .ints("kernel_shape", 2, 2)
                    .ints("dilations", 2, 2)
                    .input(x)
                    .run0());
    assertTrue(e.getMessage().contains("dilations"), e.getMessage());
    e = assertThrows(LedgeException.class, () -> NodeRunner.op("MaxPool").input(x).run0());
    assertTrue(e.getMessage().contains("kernel_shape"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("MaxPool").ints("kernel_shape", 2).input(x).run0());
    assertTrue(e.getMessage().contains("rank"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () -> NodeRunner.op("GlobalMaxPool").input(Tensor.wrap(new float[2], 2)).run0());
    assertTrue(e.getMessage().contains("rank"), e.getMessage());
  }
}
