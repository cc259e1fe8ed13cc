package dev.ledge.train.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MaxPoolWithArgmax against ONNX MaxPool (the reference: same Y bit for bit, Argmax equal to its
 * Indices), and MaxPoolGrad through the recorded argmax against MaxPoolGrad searching the windows.
 */
class MaxPoolArgmaxTest {
  /** Runs one node with static input shapes; returns its outputs by name. */
  private static Map<String, Tensor> run(
      String domain, String op, Map<String, Tensor> in, List<String> outs, List<Attribute> attrs) {
    Graph g = new Graph("t");
    for (Map.Entry<String, Tensor> e : in.entrySet()) {
      Tensor v = e.getValue();
      g.inputs().add(new ValueInfo(e.getKey(), ValueType.tensor(v.dtype(), Shape.of(v.shape()))));
    }
    for (String o : outs) {
      g.outputs().add(new ValueInfo(o, null));
    }
    Map<String, Attribute> a = new LinkedHashMap<>();
    for (Attribute at : attrs) {
      a.put(at.name(), at);
    }
    g.nodes().add(new Node("n", op, domain, new ArrayList<>(in.keySet()), outs, a));
    ModelDef m = new ModelDef(g);
    m.opsetImports().put("", 17L);
    m.opsetImports().put(TrainOperators.DOMAIN, TrainOperators.VERSION);
    try (Session s = Model.of(m, TrainOperators.registry()).newSession()) {
      return s.run(in);
    }
  }

  /**
   * Random values from a few levels (so windows have ties), sometimes a signed zero or a NaN, in
   * float32 or float64.
   */
  private static Tensor values(Random r, DType t, boolean specials, int... shape) {
    Tensor x = Tensor.allocate(t, shape);
    for (int i = 0; i < x.size(); i++) {
      double v = r.nextInt(7) - 3;
      if (specials) {
        int k = r.nextInt(40);
        v = k == 0 ? Double.NaN : k == 1 ? -0.0 : k == 2 ? 0.0 : v;
      }
      x.setDouble(i, v);
    }
    return x;
  }

  /** A pooling configuration over {@code rank} spatial dims. */
  private record Config(int[] in, List<Attribute> attrs) {}

  private static Config randomConfig(Random r, int rank) {
    long[] k = new long[rank];
    long[] s = new long[rank];
    long[] d = new long[rank];
    long[] pads = new long[2 * rank];
    int[] in = new int[rank];
    boolean ceil = r.nextInt(3) == 0;
    String autoPad =
        switch (r.nextInt(6)) {
          case 0 -> "SAME_UPPER";
          case 1 -> "SAME_LOWER";
          case 2 -> "VALID";
          default -> "NOTSET";
        };
    for (int i = 0; i < rank; i++) {
      k[i] = 1 + r.nextInt(3);
      s[i] = 1 + r.nextInt(3);
      d[i] = r.nextInt(4) == 0 ? 2 : 1;
      long eff = (k[i] - 1) * d[i] + 1;
      pads[i] = r.nextInt((int) eff);
      pads[i + rank] = r.nextInt((int) eff);
      in[i] = (int) eff + r.nextInt(rank == 3 ? 5 : 9);
    }
    List<Attribute> a = new ArrayList<>();
    a.add(Attribute.of("kernel_shape", k));
    a.add(Attribute.of("strides", s));
    a.add(Attribute.of("dilations", d));
    a.add(Attribute.of("auto_pad", autoPad));
    if (autoPad.equals("NOTSET")) {
      a.add(Attribute.of("pads", pads));
    }
    if (ceil && !autoPad.startsWith("SAME")) {
      a.add(Attribute.of("ceil_mode", 1L));
    }
    return new Config(in, a);
  }

  private static int[] shape(int n, int c, int[] spatial) {
    int[] s = new int[spatial.length + 2];
    s[0] = n;
    s[1] = c;
    System.arraycopy(spatial, 0, s, 2, spatial.length);
    return s;
  }

  /** Y and Argmax of MaxPoolWithArgmax against MaxPool's Y and Indices. */
  private static void matchesMaxPool(Tensor x, List<Attribute> attrs) {
    Map<String, Tensor> ref = run("", "MaxPool", Map.of("x", x), List.of("y", "indices"), attrs);
    Map<String, Tensor> got =
        run(TrainOperators.DOMAIN, "MaxPoolWithArgmax", Map.of("x", x), List.of("y", "i"), attrs);
    Tensor y = got.get("y");
    Tensor i = got.get("i");
    String what = java.util.Arrays.toString(x.shape()) + " " + attrs;
    assertArrayEquals(ref.get("y").shape(), y.shape(), what);
    assertEquals(DType.INT32, i.dtype());
    for (int o = 0; o < y.size(); o++) {
      assertEquals(
          Double.doubleToRawLongBits(ref.get("y").getDouble(o)),
          Double.doubleToRawLongBits(y.getDouble(o)),
          what + ": y[" + o + "] " + y.getDouble(o) + " vs " + ref.get("y").getDouble(o));
      assertEquals(ref.get("indices").getLong(o), i.getLong(o), what + ": argmax[" + o + "]");
    }
  }

  @Test
  void randomGeometriesMatchMaxPool() {
    Random r = new Random(11);
    for (int trial = 0; trial < 150; trial++) {
      int rank = 1 + trial % 3;
      Config c = randomConfig(r, rank);
      DType t = trial % 4 == 3 ? DType.FLOAT64 : DType.FLOAT32;
      Tensor x = values(r, t, trial % 2 == 0, shape(1 + r.nextInt(2), 1 + r.nextInt(3), c.in()));
      matchesMaxPool(x, c.attrs());
    }
  }

  /** The vectorized 2x2 stride-2 path: widths below, at and above the vector length, odd sizes. */
  @Test
  void twoByTwoStrideTwoMatchesMaxPool() {
    Random r = new Random(12);
    List<Attribute> a =
        List.of(Attribute.of("kernel_shape", 2L, 2), Attribute.of("strides", 2L, 2));
    int[][] sizes = {
      {2, 2}, {3, 5}, {28, 28}, {10, 10}, {7, 33}, {4, 64}, {5, 65}, {6, 31}, {9, 100}, {2, 17}
    };
    for (int[] hw : sizes) {
      for (boolean specials : new boolean[] {false, true}) {
        matchesMaxPool(values(r, DType.FLOAT32, specials, 2, 3, hw[0], hw[1]), a);
      }
    }
    Tensor big = values(r, DType.FLOAT32, false, 64, 6, 28, 28);
    matchesMaxPool(big, a);
  }

  /** A view into a larger array: indices count from the tensor's first element. */
  @Test
  void offsetInputs() {
    Random r = new Random(13);
    Tensor whole = values(r, DType.FLOAT32, false, 2 * 3 * 8 * 8 + 5);
    Tensor view = Tensor.wrap(DType.FLOAT32, whole.floats(), 5, 2, 3, 8, 8);
    List<Attribute> a =
        List.of(Attribute.of("kernel_shape", 2L, 2), Attribute.of("strides", 2L, 2));
    String op = "MaxPoolWithArgmax";
    Map<String, Tensor> got =
        run(TrainOperators.DOMAIN, op, Map.of("x", view), List.of("y", "i"), a);
    Map<String, Tensor> ref =
        run(TrainOperators.DOMAIN, op, Map.of("x", view.copy()), List.of("y", "i"), a);
    assertArrayEquals(ref.get("y").floats(), got.get("y").floats());
    assertArrayEquals(ref.get("i").ints(), got.get("i").ints());
  }

  /** The scatter through Argmax equals the gradient that searches each window again. */
  @Test
  void gradientThroughArgmaxMatchesSearch() {
    Random r = new Random(14);
    for (int trial = 0; trial < 80; trial++) {
      int rank = 1 + trial % 3;
      Config c = randomConfig(r, rank);
      DType t = trial % 3 == 2 ? DType.FLOAT64 : DType.FLOAT32;
      Tensor x = values(r, t, false, shape(1 + r.nextInt(2), 1 + r.nextInt(3), c.in()));
      Map<String, Tensor> fwd =
          run(
              TrainOperators.DOMAIN,
              "MaxPoolWithArgmax",
              Map.of("x", x),
              List.of("y", "i"),
              c.attrs());
      Tensor dy = values(r, t, false, fwd.get("y").shape());
      Map<String, Tensor> in = new LinkedHashMap<>();
      in.put("dy", dy);
      in.put("x", x);
      Tensor search =
          run(TrainOperators.DOMAIN, "MaxPoolGrad", in, List.of("dx"), c.attrs()).get("dx");
      in.put("i", fwd.get("i"));
      Tensor scatter =
          run(TrainOperators.DOMAIN, "MaxPoolGrad", in, List.of("dx"), c.attrs()).get("dx");
      assertArrayEquals(search.shape(), scatter.shape());
      for (int k = 0; k < search.size(); k++) {
        assertEquals(search.getDouble(k), scatter.getDouble(k), 0, c.attrs() + ": dx[" + k + "]");
      }
    }
  }

  @Test
  void badArgmaxIsAnError() {
    List<Attribute> a =
        List.of(Attribute.of("kernel_shape", 2L, 2), Attribute.of("strides", 2L, 2));
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("dy", Tensor.allocate(DType.FLOAT32, 1, 1, 1, 1));
    in.put("x", Tensor.allocate(DType.FLOAT32, 1, 1, 2, 2));
    in.put("i", Tensor.wrap(new int[] {4}, 1, 1, 1, 1));
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> run(TrainOperators.DOMAIN, "MaxPoolGrad", in, List.of("dx"), a));
    assertTrue(e.getMessage().contains("outside the input"), e.getMessage());
    in.put("i", Tensor.wrap(new int[] {0, 1}, 1, 1, 1, 2));
    e =
        assertThrows(
            LedgeException.class,
            () -> run(TrainOperators.DOMAIN, "MaxPoolGrad", in, List.of("dx"), a));
    assertTrue(e.getMessage().contains("does not match the gradient"), e.getMessage());
  }
}
