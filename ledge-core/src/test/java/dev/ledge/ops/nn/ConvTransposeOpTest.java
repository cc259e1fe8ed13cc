package dev.ledge.ops.nn;

import static dev.ledge.ops.nn.TestTensors.assertClose;
import static dev.ledge.ops.nn.TestTensors.random;
import static dev.ledge.ops.nn.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ConvTransposeOpTest {
  private static int[] three(int[] sp, int fill) {
    int[] r = new int[3];
    Arrays.fill(r, fill);
    System.arraycopy(sp, 0, r, 3 - sp.length, sp.length);
    return r;
  }

  /** ConvTranspose from its definition: every input element scatters W into the output. */
  private static double[] naive(
      Tensor x, Tensor w, Tensor b, int group, int[] s, int[] d, int[] pb, int[] outSp) {
    int n = x.dim(0);
    int c = x.dim(1);
    int mg = w.dim(1);
    int m = mg * group;
    int cg = c / group;
    int[] in = three(Arrays.copyOfRange(x.shape(), 2, x.rank()), 1);
    int[] k = three(Arrays.copyOfRange(w.shape(), 2, w.rank()), 1);
    int[] out = three(outSp, 1);
    int[] st = three(s, 1);
    int[] dl = three(d, 1);
    int[] p0 = three(pb, 0);
    int outSize = out[0] * out[1] * out[2];
    double[] y = new double[n * m * outSize];
    for (int bi = 0; bi < n; bi++) {
      for (int mi = 0; mi < m; mi++) {
        Arrays.fill(
            y,
            (bi * m + mi) * outSize,
            (bi * m + mi + 1) * outSize,
            b == null ? 0 : b.getDouble(mi));
      }
    }
    double[] xv = values(x);
    double[] wv = values(w);
    for (int bi = 0; bi < n; bi++) {
      for (int ci = 0; ci < c; ci++) {
        int g = ci / cg;
        for (int id = 0; id < in[0]; id++) {
          for (int ih = 0; ih < in[1]; ih++) {
            for (int iw = 0; iw < in[2]; iw++) {
              double xe = xv[(((bi * c + ci) * in[0] + id) * in[1] + ih) * in[2] + iw];
              for (int mj = 0; mj < mg; mj++) {
                for (int kd = 0; kd < k[0]; kd++) {
                  for (int kh = 0; kh < k[1]; kh++) {
                    for (int kw = 0; kw < k[2]; kw++) {
                      int od = id * st[0] - p0[0] + kd * dl[0];
                      int oh = ih * st[1] - p0[1] + kh * dl[1];
                      int ow = iw * st[2] - p0[2] + kw * dl[2];
                      if (od < 0
                          || oh < 0
                          || ow < 0
                          || od >= out[0]
                          || oh >= out[1]
                          || ow >= out[2]) {
                        continue;
                      }
                      double we = wv[(((ci * mg + mj) * k[0] + kd) * k[1] + kh) * k[2] + kw];
                      int mo = g * mg + mj;
                      y[(((bi * m + mo) * out[0] + od) * out[1] + oh) * out[2] + ow] += xe * we;
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return y;
  }

  private static int[] shape(Tensor x, Tensor w, int group, int[] outSp) {
    int[] s = new int[outSp.length + 2];
    s[0] = x.dim(0);
    s[1] = w.dim(1) * group;
    System.arraycopy(outSp, 0, s, 2, outSp.length);
    return s;
  }

  @Test
  void groupsStridesDilationsPadsAndOutputPadding() {
    Tensor x = random(1, 2, 4, 3, 4);
    Tensor w = random(2, 4, 3, 2, 3);
    Tensor b = random(3, 6);
    // out = s * (in - 1) + op + (k - 1) * d + 1 - pads
    int oh = 2 * 2 + 1 + 1 + 1 - 1; // 6
    int ow = 3 * 3 + 1 + 2 * 2 + 1 - 2; // 13
    Tensor y =
        NodeRunner.op("ConvTranspose")
            .attr("group", 2)
            .ints("strides", 2, 3)
            .ints("dilations", 1, 2)
            .ints("pads", 1, 0, 0, 2)
            .ints("output_padding", 1, 1)
            .input(x)
            .input(w)
            .input(b)
            .run0();
    int[] out = {oh, ow};
    assertClose(
        shape(x, w, 2, out),
        naive(x, w, b, 2, new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 0}, out),
        y,
        1e-5);
  }

  @Test
  void outputShapeGivesThePadsOfTheSpecFormula() {
    Tensor x = random(4, 1, 1, 3, 3);
    Tensor w = random(5, 1, 2, 3, 3);
    // Full result is 7 x 5, asked 8 x 7: total padding -1 and -2. pads[end] = floor(t / 2),
    // pads[start] = t - pads[end]: H 0/-1 (a zero row at the end), W -1/-1 (a zero column on
    // each side).
    Tensor y =
        NodeRunner.op("ConvTranspose")
            .ints("strides", 2, 1)
            .ints("output_shape", 8, 7)
            .input(x)
            .input(w)
            .run0();
    int[] out = {8, 7};
    assertClose(
        shape(x, w, 1, out),
        naive(x, w, null, 1, new int[] {2, 1}, new int[] {1, 1}, new int[] {0, -1}, out),
        y,
        1e-5);
    // Cropping: asked 5 x 4 from 7 x 5: totals 2 and 1 -> pads 1/1 and 1/0.
    Tensor yc =
        NodeRunner.op("ConvTranspose")
            .ints("strides", 2, 1)
            .ints("output_shape", 5, 4)
            .input(x)
            .input(w)
            .run0();
    int[] small = {5, 4};
    assertClose(
        shape(x, w, 1, small),
        naive(x, w, null, 1, new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 1}, small),
        yc,
        1e-5);
  }

  @Test
  void autoPadSameSplitsAnOddTotal() {
    Tensor x = random(6, 1, 1, 4);
    Tensor w = random(7, 1, 1, 4);
    // out = 4 * 2 = 8; total = 2 * 3 + 4 - 8 = 2: 1/1. With k = 3, total = 1:
    // SAME_UPPER puts floor(1/2) = 0 at the start, SAME_LOWER 1.
    Tensor w3 = random(8, 1, 1, 3);
    Tensor up =
        NodeRunner.op("ConvTranspose")
            .attr("auto_pad", "SAME_UPPER")
            .ints("strides", 2)
            .input(x)
            .input(w3)
            .run0();
    Tensor low =
        NodeRunner.op("ConvTranspose")
            .attr("auto_pad", "SAME_LOWER")
            .ints("strides", 2)
            .input(x)
            .input(w3)
            .run0();
    int[] out = {8};
    assertClose(
        shape(x, w3, 1, out),
        naive(x, w3, null, 1, new int[] {2}, new int[] {1}, new int[] {0}, out),
        up,
        1e-5);
    assertClose(
        shape(x, w3, 1, out),
        naive(x, w3, null, 1, new int[] {2}, new int[] {1}, new int[] {1}, out),
        low,
        1e-5);
    Tensor same4 =
        NodeRunner.op("ConvTranspose")
            .attr("auto_pad", "SAME_UPPER")
            .ints("strides", 2)
            .input(x)
            .input(w)
            .run0();
    assertClose(
        shape(x, w, 1, out),
        naive(x, w, null, 1, new int[] {2}, new int[] {1}, new int[] {1}, out),
        same4,
        1e-5);
  }

  @Test
  void threeSpatialDimsInFloat64() {
    Tensor x = random(DType.FLOAT64, 9, 2, 2, 2, 3, 2);
    Tensor w = random(DType.FLOAT64, 10, 2, 3, 2, 2, 3);
    Tensor y = NodeRunner.op("ConvTranspose").ints("strides", 1, 2, 1).input(x).input(w).run0();
    int[] out = {3, 6, 4};
    assertClose(
        shape(x, w, 1, out),
        naive(x, w, null, 1, new int[] {1, 2, 1}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, out),
        y,
        1e-12);
    assertArrayEquals(new int[] {2, 3, 3, 6, 4}, y.shape());
  }

  @Test
  void badInputsAreClearErrors() {
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("ConvTranspose")
                    .input(random(1, 1, 2, 3, 3))
                    .input(random(2, 3, 1, 3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("W dim 0"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("ConvTranspose")
                    .ints("output_padding", 1)
                    .input(random(1, 1, 1, 3, 3))
                    .input(random(2, 1, 1, 3, 3))
                    .run0());
    assertTrue(e.getMessage().contains("output_padding"), e.getMessage());
    e =
        assertThrows(
            LedgeException.class,
            () ->
                NodeRunner.op("ConvTranspose")
                    .ints("pads", 3, 3, 3, 3)
                    .input(random(1, 1, 1, 1, 1))
                    .input(random(2, 1, 1, 2, 2))
                    .run0());
    assertTrue(e.getMessage().contains("would have size"), e.getMessage());
  }
}
