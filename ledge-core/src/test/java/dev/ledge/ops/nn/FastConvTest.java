package dev.ledge.ops.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packed-weight convolution (constant W) against the general path (W fed at run time) on random
 * geometries: 1-D to 3-D, strides, dilations, pads, groups, odd sizes and tails, 1 and 2 threads.
 */
class FastConvTest {
  @Test
  void packedWeightsGiveTheSameConvolution() {
    Random r = new Random(17);
    for (int trial = 0; trial < 90; trial++) {
      boolean depthwise = trial % 3 == 0;
      int rank = depthwise ? 1 + r.nextInt(2) : 1 + r.nextInt(3);
      int group = depthwise ? 2 + r.nextInt(20) : 1 + r.nextInt(3);
      int cg = depthwise ? 1 : 1 + r.nextInt(5);
      int mg = depthwise ? 1 : 1 + r.nextInt(13);
      int c = cg * group;
      int m = mg * group;
      int[] in = new int[rank];
      long[] k = new long[rank];
      long[] strides = new long[rank];
      long[] dil = new long[rank];
      long[] pads = new long[2 * rank];
      for (int d = 0; d < rank; d++) {
        in[d] = (rank == 3 ? 3 : 5) + r.nextInt(rank == 3 ? 5 : 40);
        k[d] = 1 + r.nextInt(3);
        strides[d] = 1 + r.nextInt(2);
        dil[d] = 1 + r.nextInt(2);
        pads[d] = r.nextInt(3);
        pads[rank + d] = r.nextInt(3);
        if ((k[d] - 1) * dil[d] + 1 > in[d] + pads[d] + pads[rank + d]) {
          dil[d] = 1;
        }
      }
      long[] xShape = new long[rank + 2];
      xShape[0] = 1 + r.nextInt(2);
      xShape[1] = c;
      int[] wShape = new int[rank + 2];
      wShape[0] = m;
      wShape[1] = cg;
      for (int d = 0; d < rank; d++) {
        xShape[d + 2] = in[d];
        wShape[d + 2] = (int) k[d];
      }
      Tensor w = random(r, wShape);
      Tensor b = random(r, m);
      int[] xs = new int[xShape.length];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (int) xShape[i];
      }
      Tensor x = random(r, xs);
      Object[] attrs = {"strides", strides, "dilations", dil, "pads", pads, "group", (long) group};
      ModelDef constantW =
          new ModelBuilder(13)
              .input("x", DType.FLOAT32, xShape)
              .initializer("w", w)
              .initializer("b", b)
              .node("Conv", List.of("x", "w", "b"), List.of("y"), attrs)
              .output("y")
              .build();
      ModelDef inputW =
          new ModelBuilder(13)
              .input("x", DType.FLOAT32, xShape)
              .input("w", DType.FLOAT32, toLongs(wShape))
              .input("b", DType.FLOAT32, m)
              .node("Conv", List.of("x", "w", "b"), List.of("y"), attrs)
              .output("y")
              .build();
      float[] want = run(inputW, Map.of("x", x, "w", w, "b", b), 1);
      for (int threads : new int[] {1, 2}) {
        float[] got = run(constantW, Map.of("x", x), threads);
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
          assertEquals(
              want[i], got[i], 1e-5f * (1 + Math.abs(want[i])), "trial " + trial + " at " + i);
        }
      }
    }
  }

  /**
   * Geometries past the random ones' sizes: several blocks of the GEMM's depth (C * k > 256) and of
   * output positions, stride-2 rows long enough for whole vectors, the 7x7 stride-2 stem, 1x1
   * stride 2, dilation with stride, unpadded inputs used in place (the last batch item reads up to
   * the end of X), 1-D and 3-D; odd channel counts for the register tile's tails; depthwise
   * convolutions of the same kinds, and with a kernel of 81 taps; inputs large enough for their
   * padded copy to be made by two threads.
   */
  @Test
  void largerGeometriesGiveTheSameConvolution() {
    // c, m, group, kernel, stride, dilation, pad, batch, spatial input dims...
    int[][] cases = {
      {40, 70, 1, 3, 1, 1, 1, 1, 33, 35},
      {37, 19, 1, 3, 2, 1, 1, 1, 61, 47},
      {3, 20, 1, 7, 2, 1, 3, 1, 70, 66},
      {300, 20, 1, 1, 2, 1, 0, 1, 20, 21},
      {30, 17, 1, 3, 2, 2, 2, 1, 40, 41},
      {33, 9, 1, 3, 1, 1, 0, 2, 19, 37},
      {12, 30, 3, 3, 1, 1, 1, 1, 29, 31},
      {64, 33, 1, 5, 1, 1, 2, 1, 200},
      {9, 11, 1, 3, 1, 1, 1, 1, 9, 10, 11},
      {200, 48, 1, 3, 1, 1, 1, 1, 7, 7},
      {136, 136, 136, 3, 1, 1, 1, 2, 14, 14},
      {40, 40, 40, 3, 2, 1, 1, 1, 57, 56},
      {24, 24, 24, 5, 1, 2, 4, 1, 30, 19},
      {10, 10, 10, 9, 1, 1, 4, 1, 20, 20},
      {8, 8, 8, 3, 1, 1, 1, 1, 5, 6, 7},
      {16, 16, 16, 3, 1, 1, 0, 1, 300},
      {128, 40, 1, 3, 1, 1, 1, 1, 30, 31},
      {96, 24, 1, 3, 2, 1, 1, 1, 50, 47},
    };
    Random r = new Random(5);
    for (int[] t : cases) {
      int c = t[0];
      int m = t[1];
      int group = t[2];
      int rank = t.length - 8;
      long[] xShape = new long[rank + 2];
      int[] wShape = new int[rank + 2];
      xShape[0] = t[7];
      xShape[1] = c;
      wShape[0] = m;
      wShape[1] = c / group;
      long[] k = new long[rank];
      long[] strides = new long[rank];
      long[] dil = new long[rank];
      long[] pads = new long[2 * rank];
      for (int d = 0; d < rank; d++) {
        xShape[d + 2] = t[8 + d];
        wShape[d + 2] = t[3];
        k[d] = t[3];
        strides[d] = t[4];
        dil[d] = t[5];
        pads[d] = t[6];
        pads[rank + d] = t[6];
      }
      Object[] attrs = {
        "kernel_shape", k, "strides", strides, "dilations", dil, "pads", pads, "group", (long) group
      };
      assertConstantWeightsMatch(r, xShape, wShape, attrs, 1e-4f, java.util.Arrays.toString(t));
    }
  }

  private static void assertConstantWeightsMatch(
      Random r, long[] xShape, int[] wShape, Object[] attrs, float tolerance, String what) {
    int m = wShape[0];
    Tensor w = random(r, wShape);
    Tensor b = random(r, m);
    int[] xs = new int[xShape.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (int) xShape[i];
    }
    Tensor x = random(r, xs);
    ModelDef constantW =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, xShape)
            .initializer("w", w)
            .initializer("b", b)
            .node("Conv", List.of("x", "w", "b"), List.of("y"), attrs)
            .output("y")
            .build();
    ModelDef inputW =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, xShape)
            .input("w", DType.FLOAT32, toLongs(wShape))
            .input("b", DType.FLOAT32, m)
            .node("Conv", List.of("x", "w", "b"), List.of("y"), attrs)
            .output("y")
            .build();
    float[] want = run(inputW, Map.of("x", x, "w", w, "b", b), 1);
    float[] one = null;
    // Two threads first: scratch buffers then hold nothing left by a one-thread run of this input.
    for (int threads : new int[] {2, 1}) {
      float[] got = run(constantW, Map.of("x", x), threads);
      assertEquals(want.length, got.length);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], tolerance * (1 + Math.abs(want[i])), what + " at " + i);
      }
      if (one == null) {
        one = got;
      } else {
        org.junit.jupiter.api.Assertions.assertArrayEquals(one, got, what + ": 2 vs 1 threads");
      }
    }
  }

  private static float[] run(ModelDef def, Map<String, Tensor> feed, int threads) {
    try (Session s =
        Model.of(def)
            .newSession(
                SessionOptions.defaults()
                    .threads(threads)
                    .optimizationLevel(SessionOptions.OptimizationLevel.NONE))) {
      return s.run(feed).get("y").toFloatArray();
    }
  }

  private static long[] toLongs(int[] s) {
    long[] r = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      r[i] = s[i];
    }
    return r;
  }

  private static Tensor random(Random r, int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    float[] a = t.floats();
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextFloat() * 2 - 1;
    }
    return t;
  }
}
