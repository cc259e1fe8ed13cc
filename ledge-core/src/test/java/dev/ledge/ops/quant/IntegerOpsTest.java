package dev.ledge.ops.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.NodeHarness;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntegerOpsTest {
  private static Tensor random(DType t, Random rnd, int... shape) {
    Tensor x = Tensor.allocate(t, shape);
    for (int i = 0; i < x.size(); i++) {
      x.setLong(i, t == DType.UINT8 ? rnd.nextInt(256) : rnd.nextInt(256) - 128);
    }
    return x;
  }

  private static Tensor of(DType t, long[] values, int... shape) {
    Tensor x = Tensor.allocate(t, shape);
    for (int i = 0; i < values.length; i++) {
      x.setLong(i, values[i]);
    }
    return x;
  }

  @Test
  void matMulIntegerWithPerRowAndPerColumnZeroPointsAndBatchBroadcast() {
    Random rnd = new Random(3);
    Tensor a = random(DType.UINT8, rnd, 2, 3, 4);
    Tensor b = random(DType.INT8, rnd, 4, 5);
    Tensor az = random(DType.UINT8, rnd, 3);
    Tensor bz = random(DType.INT8, rnd, 5);
    Tensor y =
        NodeHarness.op("MatMulInteger", 10)
            .input("a", a)
            .input("b", b)
            .input("az", az)
            .input("bz", bz)
            .run1();
    assertArrayEquals(new int[] {2, 3, 5}, y.shape());
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 5; j++) {
          long want = 0;
          for (int p = 0; p < 4; p++) {
            want +=
                (a.getLong((n * 3 + i) * 4 + p) - az.getLong(i))
                    * (b.getLong(p * 5 + j) - bz.getLong(j));
          }
          assertEquals(want, y.getLong((n * 3 + i) * 5 + j));
        }
      }
    }
  }

  @Test
  void matMulIntegerErrors() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("MatMulInteger", 10)
                    .input("a", Tensor.allocate(DType.UINT8, 2, 3))
                    .input("b", Tensor.allocate(DType.UINT8, 4, 2))
                    .run1());
    assertTrue(e.getMessage().contains("inner dims"), e.getMessage());
    LedgeException zp =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("MatMulInteger", 10)
                    .input("a", Tensor.allocate(DType.UINT8, 2, 3))
                    .input("b", Tensor.allocate(DType.UINT8, 3, 2))
                    .input("az", Tensor.allocate(DType.UINT8, 3))
                    .run1());
    assertTrue(zp.getMessage().contains("one per row"), zp.getMessage());
  }

  @Test
  void qlinearMatMulRequantizesPerColumn() {
    Tensor a = of(DType.UINT8, new long[] {10, 20, 30, 40}, 2, 2);
    Tensor b = of(DType.UINT8, new long[] {1, 2, 3, 4}, 2, 2);
    Tensor y =
        NodeHarness.op("QLinearMatMul", 21)
            .input("a", a)
            .input("as", Tensor.scalar(0.5f))
            .input("az", of(DType.UINT8, new long[] {10}, 1))
            .input("b", b)
            .input("bs", Tensor.ofFloats(1f, 0.25f))
            .input("bz", of(DType.UINT8, new long[] {1, 0}, 2))
            .input("ys", Tensor.scalar(1f))
            .input("yz", of(DType.UINT8, new long[] {100}, 1))
            .run1();
    // centered a = [[0,10],[20,30]], centered b = [[0,2],[2,4]]
    // acc = [[20,40],[60,160]]; multipliers 0.5 (col 0), 0.125 (col 1)
    assertArrayEquals(new long[] {110, 105, 130, 120}, y.toLongArray());
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("QLinearMatMul", 21)
                    .input("a", a)
                    .input("as", Tensor.ofFloats(1, 1, 1))
                    .input("az", of(DType.UINT8, new long[] {0}, 1))
                    .input("b", b)
                    .input("bs", Tensor.scalar(1f))
                    .input("bz", of(DType.UINT8, new long[] {0}, 1))
                    .input("ys", Tensor.scalar(1f))
                    .input("yz", of(DType.UINT8, new long[] {0}, 1))
                    .run1());
    assertTrue(e.getMessage().contains("a_scale"), e.getMessage());
  }

  /** Direct 2-D convolution, the definition, for checking. */
  private static long[] naiveConv(
      Tensor x,
      Tensor w,
      int group,
      int[] stride,
      int[] pad,
      int[] dil,
      int[] outHw,
      long xz,
      long wz) {
    int n = x.dim(0);
    int c = x.dim(1);
    int h = x.dim(2);
    int wd = x.dim(3);
    int m = w.dim(0);
    int kh = w.dim(2);
    int kw = w.dim(3);
    int cg = c / group;
    int mg = m / group;
    long[] out = new long[n * m * outHw[0] * outHw[1]];
    for (int b = 0; b < n; b++) {
      for (int f = 0; f < m; f++) {
        int g = f / mg;
        for (int oy = 0; oy < outHw[0]; oy++) {
          for (int ox = 0; ox < outHw[1]; ox++) {
            long acc = 0;
            for (int ci = 0; ci < cg; ci++) {
              for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                  int iy = oy * stride[0] - pad[0] + ky * dil[0];
                  int ix = ox * stride[1] - pad[1] + kx * dil[1];
                  if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                    continue;
                  }
                  long xv = x.getLong(((b * c + g * cg + ci) * h + iy) * wd + ix) - xz;
                  long wv = w.getLong(((f * cg + ci) * kh + ky) * kw + kx) - wz;
                  acc += xv * wv;
                }
              }
            }
            out[((b * m + f) * outHw[0] + oy) * outHw[1] + ox] = acc;
          }
        }
      }
    }
    return out;
  }

  @Test
  void convIntegerWithGroupsStridesPadsDilations() {
    Random rnd = new Random(11);
    Tensor x = random(DType.UINT8, rnd, 2, 4, 7, 6);
    Tensor w = random(DType.INT8, rnd, 6, 2, 3, 2);
    Tensor y =
        NodeHarness.op("ConvInteger", 10)
            .input("x", x)
            .input("w", w)
            .input("xz", of(DType.UINT8, new long[] {128}))
            .input("wz", of(DType.INT8, new long[] {-3}))
            .attr(Attribute.of("group", 2L))
            .attr(Attribute.of("strides", new long[] {2, 1}))
            .attr(Attribute.of("pads", new long[] {1, 0, 2, 1}))
            .attr(Attribute.of("dilations", new long[] {1, 2}))
            .run1();
    // H: (7 + 3 - 3) / 2 + 1 = 4; W: (6 + 1 - 3) / 1 + 1 = 5
    assertArrayEquals(new int[] {2, 6, 4, 5}, y.shape());
    long[] want =
        naiveConv(
            x,
            w,
            2,
            new int[] {2, 1},
            new int[] {1, 0},
            new int[] {1, 2},
            new int[] {4, 5},
            128,
            -3);
    assertArrayEquals(want, y.toLongArray());
  }

  @Test
  void convIntegerSameUpperAndErrors() {
    Tensor x = Tensor.allocate(DType.UINT8, 1, 1, 5, 5);
    Tensor w = Tensor.allocate(DType.UINT8, 1, 1, 2, 2);
    Tensor y =
        NodeHarness.op("ConvInteger", 10)
            .input("x", x)
            .input("w", w)
            .attr(Attribute.of("auto_pad", "SAME_UPPER"))
            .attr(Attribute.of("strides", new long[] {2, 2}))
            .run1();
    assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("ConvInteger", 10)
                    .input("x", Tensor.allocate(DType.UINT8, 1, 3, 5, 5))
                    .input("w", Tensor.allocate(DType.UINT8, 1, 2, 2, 2))
                    .run1());
    assertTrue(e.getMessage().contains("group"), e.getMessage());
    LedgeException small =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("ConvInteger", 10)
                    .input("x", Tensor.allocate(DType.UINT8, 1, 1, 1, 1))
                    .input("w", Tensor.allocate(DType.UINT8, 1, 1, 3, 3))
                    .run1());
    assertTrue(small.getMessage().contains("does not fit kernel"), small.getMessage());
  }

  @Test
  void qlinearConvPerChannelWithBias() {
    Random rnd = new Random(5);
    Tensor x = random(DType.INT8, rnd, 1, 2, 4, 4);
    Tensor w = random(DType.INT8, rnd, 3, 2, 2, 2);
    float[] ws = {0.01f, 0.02f, 0.005f};
    int[] bias = {100, -200, 0};
    Tensor y =
        NodeHarness.op("QLinearConv", 10)
            .input("x", x)
            .input("xs", Tensor.scalar(0.05f))
            .input("xz", of(DType.INT8, new long[] {1}))
            .input("w", w)
            .input("ws", Tensor.ofFloats(ws))
            .input("wz", of(DType.INT8, new long[] {0, 0, 0}, 3))
            .input("ys", Tensor.scalar(0.1f))
            .input("yz", of(DType.INT8, new long[] {-5}))
            .input("b", Tensor.wrap(bias, 3))
            .run1();
    assertArrayEquals(new int[] {1, 3, 3, 3}, y.shape());
    long[] acc =
        naiveConv(
            x, w, 1, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, new int[] {3, 3}, 1, 0);
    for (int i = 0; i < acc.length; i++) {
      int f = i / 9;
      double mult = (float) (0.05f * ws[f]) / 0.1f;
      double v = Math.rint((acc[i] + bias[f]) * mult) - 5;
      long want = (long) Math.max(-128, Math.min(127, v));
      assertEquals(want, y.getLong(i), "element " + i);
    }
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeHarness.op("QLinearConv", 10)
                    .input("x", x)
                    .input("xs", Tensor.scalar(0.05f))
                    .input("xz", of(DType.INT8, new long[] {1}))
                    .input("w", w)
                    .input("ws", Tensor.ofFloats(ws))
                    .input("wz", of(DType.INT8, new long[] {0}))
                    .input("ys", Tensor.scalar(0.1f))
                    .input("yz", of(DType.INT8, new long[] {-5}))
                    .input("b", Tensor.wrap(new int[] {1, 2}, 2))
                    .run1());
    assertTrue(e.getMessage().contains("B has shape"), e.getMessage());
  }
}
