package dev.ledge.train.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 convolution gradient kernels (stride-1 shifted planes, im2col + GEMM, depthwise
 * loops) against the float64 direct loops, which finite-difference checks cover, on random shapes:
 * odd sizes, strides, pads, dilations, groups, and sizes that fill vector lanes partly.
 */
class ConvGradKernelsTest {
  /** One convolution: x [n, c, h, w], W [m, c / group, kh, kw] and the node's attributes. */
  private record Conv(int[] x, int[] w, int group, List<Attribute> attrs, int[] y) {}

  private static Conv random(Random r, boolean stride1) {
    int group = r.nextInt(4) == 0 ? 2 : 1;
    int cg = 1 + r.nextInt(6);
    int mg = 1 + r.nextInt(7);
    if (r.nextInt(5) == 0) {
      cg = 1; // depthwise-like
      group = 1 + r.nextInt(4);
      mg = 1 + r.nextInt(2);
    }
    int kh = 1 + r.nextInt(5);
    int kw = 1 + r.nextInt(5);
    int sh = stride1 ? 1 : 1 + r.nextInt(3);
    int sw = stride1 ? 1 : 1 + r.nextInt(3);
    int dh = r.nextInt(4) == 0 ? 2 : 1;
    int dw = r.nextInt(4) == 0 ? 2 : 1;
    int ph0 = r.nextInt(kh), ph1 = r.nextInt(kh), pw0 = r.nextInt(kw), pw1 = r.nextInt(kw);
    int h = (kh - 1) * dh + 1 + r.nextInt(20);
    int w = (kw - 1) * dw + 1 + r.nextInt(40);
    int n = 1 + r.nextInt(3);
    int oh = (h + ph0 + ph1 - (kh - 1) * dh - 1) / sh + 1;
    int ow = (w + pw0 + pw1 - (kw - 1) * dw - 1) / sw + 1;
    List<Attribute> a =
        List.of(
            Attribute.of("kernel_shape", (long) kh, kw),
            Attribute.of("strides", (long) sh, sw),
            Attribute.of("dilations", (long) dh, dw),
            Attribute.of("pads", (long) ph0, pw0, ph1, pw1),
            Attribute.of("group", (long) group));
    return new Conv(
        new int[] {n, cg * group, h, w},
        new int[] {mg * group, cg, kh, kw},
        group,
        a,
        new int[] {n, mg * group, oh, ow});
  }

  private static Tensor values(Random r, DType t, int... shape) {
    Tensor v = Tensor.allocate(t, shape);
    for (int i = 0; i < v.size(); i++) {
      v.setDouble(i, r.nextInt(9) == 0 ? 0 : (float) r.nextGaussian());
    }
    return v;
  }

  private static Tensor run(String op, Map<String, Tensor> in, List<Attribute> attrs) {
    return runNode(TrainOperators.DOMAIN, op, in, attrs);
  }

  private static Tensor runNode(
      String domain, String op, Map<String, Tensor> in, List<Attribute> attrs) {
    Graph g = new Graph("t");
    for (Map.Entry<String, Tensor> e : in.entrySet()) {
      Tensor v = e.getValue();
      g.inputs().add(new ValueInfo(e.getKey(), ValueType.tensor(v.dtype(), Shape.of(v.shape()))));
    }
    g.outputs().add(new ValueInfo("o", null));
    Map<String, Attribute> a = new LinkedHashMap<>();
    for (Attribute at : attrs) {
      a.put(at.name(), at);
    }
    g.nodes().add(new Node("n", op, domain, new ArrayList<>(in.keySet()), List.of("o"), a));
    ModelDef m = new ModelDef(g);
    m.opsetImports().put("", 17L);
    m.opsetImports().put(TrainOperators.DOMAIN, TrainOperators.VERSION);
    try (Session s = Model.of(m, TrainOperators.registry()).newSession()) {
      return s.run(in).get("o");
    }
  }

  private static Tensor toDouble(Tensor f) {
    Tensor d = Tensor.allocate(DType.FLOAT64, f.shape());
    for (int i = 0; i < f.size(); i++) {
      d.setDouble(i, f.getDouble(i));
    }
    return d;
  }

  /** Both gradients of one convolution in float32 against float64 on the same values. */
  private static void check(Random r, Conv c) {
    Tensor x = values(r, DType.FLOAT32, c.x());
    Tensor w = values(r, DType.FLOAT32, c.w());
    Tensor dy = values(r, DType.FLOAT32, c.y());
    for (boolean input : new boolean[] {true, false}) {
      String op = input ? "ConvGradInput" : "ConvGradWeight";
      Map<String, Tensor> f32 = new LinkedHashMap<>();
      Map<String, Tensor> f64 = new LinkedHashMap<>();
      f32.put("dy", dy);
      f64.put("dy", toDouble(dy));
      for (String name : input ? List.of("w", "x") : List.of("x", "w")) {
        Tensor v = name.equals("w") ? w : x;
        f32.put(name, v);
        f64.put(name, toDouble(v));
      }
      Tensor got = run(op, f32, c.attrs());
      Tensor want = run(op, f64, c.attrs());
      String what =
          op + " x " + Arrays.toString(c.x()) + " W " + Arrays.toString(c.w()) + " " + c.attrs();
      assertArrayEquals(want.shape(), got.shape(), what);
      double scale = 0;
      for (int i = 0; i < want.size(); i++) {
        scale = Math.max(scale, Math.abs(want.getDouble(i)));
      }
      for (int i = 0; i < want.size(); i++) {
        assertEquals(
            want.getDouble(i), got.getDouble(i), 1e-5 * Math.max(1, scale), what + " [" + i + "]");
      }
    }
  }

  @Test
  void stride1ShapesMatchTheReference() {
    Random r = new Random(21);
    for (int trial = 0; trial < 120; trial++) {
      check(r, random(r, true));
    }
  }

  @Test
  void stridedShapesMatchTheReference() {
    Random r = new Random(22);
    for (int trial = 0; trial < 60; trial++) {
      check(r, random(r, false));
    }
  }

  /** LeNet-5's two convolutions at batch 64, through the shifted-plane kernels. */
  @Test
  void lenetShapesMatchTheReference() {
    Random r = new Random(23);
    List<Attribute> pad2 =
        List.of(Attribute.of("kernel_shape", 5L, 5), Attribute.of("pads", 2L, 2, 2, 2));
    List<Attribute> valid = List.of(Attribute.of("kernel_shape", 5L, 5));
    check(
        r,
        new Conv(
            new int[] {64, 1, 28, 28}, new int[] {6, 1, 5, 5}, 1, pad2, new int[] {64, 6, 28, 28}));
    check(
        r,
        new Conv(
            new int[] {64, 6, 14, 14},
            new int[] {16, 6, 5, 5},
            1,
            valid,
            new int[] {64, 16, 10, 10}));
    Geometry g = new Geometry();
    Arrays.fill(g.in, 1);
    g.in[1] = 14;
    g.in[2] = 14;
    Arrays.fill(g.out, 1);
    g.out[1] = 10;
    g.out[2] = 10;
    Arrays.fill(g.k, 1);
    g.k[1] = 5;
    g.k[2] = 5;
    Arrays.fill(g.s, 1);
    Arrays.fill(g.d, 1);
    assertTrue(!ShiftedConv.SIMD || ShiftedConv.fitsInputGrad(g, 6));
    assertTrue(!ShiftedConv.SIMD || ShiftedConv.fitsWeightGrad(g, 16, 6));
  }

  /** dev.ledge.train.Conv against ONNX Conv (core), float32 and float64, with and without B. */
  private static void checkForward(Random r, Conv c) {
    for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Map<String, Tensor> in = new LinkedHashMap<>();
      in.put("x", values(r, t, c.x()));
      in.put("w", values(r, t, c.w()));
      if (r.nextBoolean()) {
        in.put("b", values(r, t, c.w()[0]));
      }
      Tensor want = runNode("", "Conv", in, c.attrs());
      Tensor got = runNode(TrainOperators.DOMAIN, "Conv", in, c.attrs());
      String what =
          "Conv "
              + t
              + " x "
              + Arrays.toString(c.x())
              + " W "
              + Arrays.toString(c.w())
              + " "
              + c.attrs();
      assertArrayEquals(want.shape(), got.shape(), what);
      for (int i = 0; i < want.size(); i++) {
        double tol = (t == DType.FLOAT32 ? 1e-5 : 1e-12) * Math.max(1, Math.abs(want.getDouble(i)));
        assertEquals(want.getDouble(i), got.getDouble(i), tol, what + " [" + i + "]");
      }
    }
  }

  @Test
  void forwardMatchesOnnxConv() {
    Random r = new Random(25);
    for (int trial = 0; trial < 100; trial++) {
      checkForward(r, random(r, trial % 3 != 0));
    }
    List<Attribute> pad2 =
        List.of(Attribute.of("kernel_shape", 5L, 5), Attribute.of("pads", 2L, 2, 2, 2));
    checkForward(r, new Conv(new int[] {64, 1, 28, 28}, new int[] {6, 1, 5, 5}, 1, pad2, null));
    checkForward(
        r,
        new Conv(
            new int[] {64, 6, 14, 14},
            new int[] {16, 6, 5, 5},
            1,
            List.of(Attribute.of("kernel_shape", 5L, 5)),
            null));
    checkForward(
        r,
        new Conv(
            new int[] {2, 3, 9, 11},
            new int[] {8, 3, 3, 3},
            1,
            List.of(Attribute.of("auto_pad", "SAME_UPPER")),
            null));
  }

  /** Same inputs, same bits: the kernels' sums run in a fixed order. */
  @Test
  void repeatedRunsGiveIdenticalBits() {
    Random r = new Random(24);
    Conv c =
        new Conv(
            new int[] {5, 6, 14, 14},
            new int[] {16, 6, 5, 5},
            1,
            List.of(Attribute.of("kernel_shape", 5L, 5)),
            new int[] {5, 16, 10, 10});
    Tensor x = values(r, DType.FLOAT32, c.x());
    Tensor w = values(r, DType.FLOAT32, c.w());
    Tensor dy = values(r, DType.FLOAT32, c.y());
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("dy", dy);
    in.put("x", x);
    in.put("w", w);
    float[] first = run("ConvGradWeight", in, c.attrs()).floats().clone();
    for (int i = 0; i < 50; i++) {
      assertArrayEquals(first, run("ConvGradWeight", in, c.attrs()).floats());
    }
  }
}
