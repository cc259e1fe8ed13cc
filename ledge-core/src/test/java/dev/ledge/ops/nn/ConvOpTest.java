package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.assertClose;
import static dev.ledge.ops.nn.TestTensors.random;
import static dev.ledge.ops.nn.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ConvOpTest {
  /** Spatial shape padded in front to 3 dims. */
  private static int[] three(int[] sp, int fill) {
    int[] r = new int[3];
    Arrays.fill(r, fill);
    System.arraycopy(sp, 0, r, 3 - sp.length, sp.length);
    return r;
  }

  /** Direct convolution from the definition. Returns {shape, values}. */
  static Object[] naiveConv(
      Tensor x, Tensor w, Tensor b, int group, int[] s, int[] d, int[] pb, int[] pe) {
    int r = x.rank() - 2;
    int n = x.dim(0);
    int c = x.dim(1);
    int m = w.dim(0);
    int cg = c / group;
    int mg = m / group;
    int[] in = three(Arrays.copyOfRange(x.shape(), 2, x.rank()), 1);
    int[] k = three(Arrays.copyOfRange(w.shape(), 2, w.rank()), 1);
    int[] st = three(s, 1);
    int[] dl = three(d, 1);
    int[] p0 = three(pb, 0);
    int[] p1 = three(pe, 0);
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      out[i] = (in[i] + p0[i] + p1[i] - ((k[i] - 1) * dl[i] + 1)) / st[i] + 1;
    }
    double[] xv = values(x);
    double[] wv = values(w);
    double[] y = new double[n * m * out[0] * out[1] * out[2]];
    int o = 0;
    for (int bi = 0; bi < n; bi++) {
      for (int mi = 0; mi < m; mi++) {
        int g = mi / mg;
        for (int od = 0; od < out[0]; od++) {
          for (int oh = 0; oh < out[1]; oh++) {
            for (int ow = 0; ow < out[2]; ow++, o++) {
              double sum = b == null ? 0 : b.getDouble(mi);
              for (int ci = 0; ci < cg; ci++) {
                for (int kd = 0; kd < k[0]; kd++) {
                  for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++) {
                      int id = od * st[0] - p0[0] + kd * dl[0];
                      int ih = oh * st[1] - p0[1] + kh * dl[1];
                      int iw = ow * st[2] - p0[2] + kw * dl[2];
                      if (id < 0 || ih < 0 || iw < 0 || id >= in[0] || ih >= in[1] || iw >= in[2]) {
                        continue;
                      }
                      int cc = g * cg + ci;
                      double xe = xv[(((bi * c + cc) * in[0] + id) * in[1] + ih) * in[2] + iw];
                      double we = wv[(((mi * cg + ci) * k[0] + kd) * k[1] + kh) * k[2] + kw];
                      sum += xe * we;
                    }
                  }
                }
              }
              y[o] = sum;
            }
          }
        }
      }
    }
    int[] shape = new int[r + 2];
    shape[0] = n;
    shape[1] = m;
    System.arraycopy(out, 3 - r, shape, 2, r);
    return new Object[] {shape, y};
  }

  private static long[] longs(int[] v) {
    return Arrays.stream(v).asLongStream().toArray();
  }

  private static void check(
      Tensor x, Tensor w, Tensor b, int group, int[] s, int[] d, int[] pb, int[] pe, double tol) {
    Object[] expected = naiveConv(x, w, b, group, s, d, pb, pe);
    int[] pads = new int[2 * pb.length];
    System.arraycopy(pb, 0, pads, 0, pb.length);
    System.arraycopy(pe, 0, pads, pb.length, pe.length);
    NodeRunner run =
        NodeRunner.op("Conv")
            .attr("group", group)
            .ints("strides", longs(s))
            .ints("dilations", longs(d))
            .ints("pads", longs(pads))
            .input(x)
            .input(w);
    if (b != null) {
      run.input(b);
    }
    assertClose((int[]) expected[0], (double[]) expected[1], run.run0(), tol);
  }

  @Test
  void twoDimsWithGroupsStridesDilationsAsymmetricPadsAndBias() {
    check(
        random(1, 2, 4, 9, 8),
        random(2, 6, 2, 3, 2),
        random(3, 6),
        2,
        new int[] {2, 1},
        new int[] {2, 3},
        new int[] {1, 0},
        new int[] {2, 3},
        1e-5);
  }

  @Test
  void depthwiseWithChannelMultiplier() {
    check(
        random(4, 1, 4, 7, 7),
        random(5, 8, 1, 3, 3),
        null,
        4,
        new int[] {1, 1},
        new int[] {1, 1},
        new int[] {1, 1},
        new int[] {1, 1},
        1e-5);
  }

  @Test
  void oneAndThreeSpatialDims() {
    check(
        random(6, 2, 3, 11),
        random(7, 5, 3, 4),
        random(8, 5),
        1,
        new int[] {3},
        new int[] {2},
        new int[] {2},
        new int[] {0},
        1e-5);
    check(
        random(9, 1, 2, 5, 6, 4),
        random(10, 4, 2, 2, 3, 2),
        random(11, 4),
        1,
        new int[] {1, 2, 1},
        new int[] {2, 1, 1},
        new int[] {1, 1, 0},
        new int[] {0, 1, 1},
        1e-5);
  }

  @Test
  void pointwiseConvolutionUsesTheInputDirectly() {
    check(
        random(12, 3, 4, 5, 6),
        random(13, 6, 2, 1, 1),
        random(14, 6),
        2,
        new int[] {1, 1},
        new int[] {1, 1},
        new int[] {0, 0},
        new int[] {0, 0},
        1e-5);
  }

  @Test
  void largeConvolutionIsComputedInTiles() {
    // 64 * 9 * 130 * 130 > ConvOp.TILE_ELEMENTS: several im2col tiles.
    Tensor x = random(15, 1, 64, 130, 130);
    Tensor w = random(16, 4, 64, 3, 3);
    assertTrue(64L * 9 * 130 * 130 > ConvOp.TILE_ELEMENTS);
    check(
        x,
        w,
        null,
        1,
        new int[] {1, 1},
        new int[] {1, 1},
        new int[] {1, 1},
        new int[] {1, 1},
        1e-4);
  }

  @Test
  void float64AndFloat16() {
    Tensor x = random(DType.FLOAT64, 17, 1, 2, 6, 6);
    Tensor w = random(DType.FLOAT64, 18, 3, 2, 3, 3);
    check(
        x,
        w,
        null,
        1,
        new int[] {1, 1},
        new int[] {1, 1},
        new int[] {1, 1},
        new int[] {1, 1},
        1e-12);
    Tensor xh = random(DType.FLOAT16, 19, 1, 2, 6, 6);
    Tensor wh = random(DType.FLOAT16, 20, 3, 2, 3, 3);
    Tensor bh = random(DType.FLOAT16, 21, 3);
    check(
        xh,
        wh,
        bh,
        1,
        new int[] {2, 2},
        new int[] {1, 1},
        new int[] {0, 0},
        new int[] {1, 1},
        2e-3);
  }

  @Test
  void autoPadSameUpperAndLower() {
    Tensor x = random(22, 1, 1, 6, 6);
    Tensor w = random(23, 1, 1, 4, 4);
    // out = ceil(6 / 2) = 3; total pad = 2 * 2 + 4 - 6 = 2 -> 1/1 either way;
    // with a 3x3 kernel: total = 4 + 3 - 6 = 1 -> UPPER 0/1, LOWER 1/0.
    Tensor w3 = random(24, 1, 1, 3, 3);
    Object[] upper =
        naiveConv(
            x, w3, null, 1, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1});
    Object[] lower =
        naiveConv(
            x, w3, null, 1, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0});
    Tensor yu =
        NodeRunner.op("Conv")
            .attr("auto_pad", "SAME_UPPER")
            .ints("strides", 2, 2)
            .input(x)
            .input(w3)
            .run0();
    Tensor yl =
        NodeRunner.op("Conv")
            .attr("auto_pad", "SAME_LOWER")
            .ints("strides", 2, 2)
            .input(x)
            .input(w3)
            .run0();
    assertClose((int[]) upper[0], (double[]) upper[1], yu, 1e-5);
    assertClose((int[]) lower[0], (double[]) lower[1], yl, 1e-5);
    Object[] valid =
        naiveConv(
            x, w, null, 1, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0});
    Tensor yv = NodeRunner.op("Conv").attr("auto_pad", "VALID").input(x).input(w).run0();
    assertClose((int[]) valid[0], (double[]) valid[1], yv, 1e-5);
  }

  @Test
  void shapesOnlyKnownAtRunTime() {
    Tensor x = random(25, 2, 2, 5, 5);
    Tensor w = random(26, 3, 2, 3, 3);
    Object[] e =
        naiveConv(
            x, w, null, 1, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0});
    Tensor y = NodeRunner.op("Conv").dynamic().input(x).input(w).run0();
    assertClose((int[]) e[0], (double[]) e[1], y, 1e-5);
  }

  @Test
  void emptyBatchAndEmptyChannels() {
    Tensor y =
        NodeRunner.op("Conv")
            .input(Tensor.allocate(DType.FLOAT32, 0, 2, 4, 4))
            .input(random(1, 3, 2, 3, 3))
            .run0();
    assertArrayEquals(new int[] {0, 3, 2, 2}, y.shape());
    Tensor b = random(2, 3);
    Tensor z =
        NodeRunner.op("Conv")
            .input(Tensor.allocate(DType.FLOAT32, 1, 0, 4, 4))
            .input(Tensor.allocate(DType.FLOAT32, 3, 0, 3, 3))
            .input(b)
            .run0();
    assertClose(
        new int[] {1, 3, 2, 2},
        new double[] {
          b.getDouble(0),
          b.getDouble(0),
          b.getDouble(0),
          b.getDouble(0),
          b.getDouble(1),
          b.getDouble(1),
          b.getDouble(1),
          b.getDouble(1),
          b.getDouble(2),
          b.getDouble(2),
          b.getDouble(2),
          b.getDouble(2)
        },
        z,
        0);
  }

  @Test
  void stridedOutputShape() {
    Tensor y =
        NodeRunner.op("Conv")
            .ints("strides", 2, 2)
            .ints("pads", 1, 1, 1, 1)
            .input(random(27, 1, 3, 8, 8))
            .input(random(28, 5, 3, 3, 3))
            .run0();
    assertArrayEquals(new int[] {1, 5, 4, 4}, y.shape());
  }

  @Test
  void badInputsAreClearErrors() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Conv")
                    .input(random(1, 1, 3, 5, 5))
                    .input(random(2, 2, 2, 3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("W dim 1"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Conv")
                    .attr("group", 2)
                    .input(random(1, 1, 3, 5, 5))
                    .input(random(2, 2, 1, 3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("divisible by group"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Conv")
                    .attr("auto_pad", "SAME")
                    .input(random(1, 1, 1, 5, 5))
                    .input(random(2, 1, 1, 3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("auto_pad"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Conv")
                    .input(random(1, 1, 1, 2, 2))
                    .input(random(2, 1, 1, 3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("smaller than the kernel"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Conv")
                    .ints("strides", 1)
                    .input(random(1, 1, 1, 4, 4))
                    .input(random(2, 1, 1, 3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("strides"), e.getMessage());
    assertThrows(
        UnsupportedOpException.class,
        () ->
            NodeRunner.op("Conv")
                .input(random(1, 1, 1, 2, 2, 2, 2))
                .input(random(2, 1, 1, 1, 1, 1, 1))
                .run0());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("Conv")
                    .input(Tensor.wrap(new int[4], 1, 1, 2, 2))
                    .input(Tensor.wrap(new int[1], 1, 1, 1, 1))
                    .run0());
    assertTrue(e.getMessage().contains("expected one of"), e.getMessage());
  }
}
