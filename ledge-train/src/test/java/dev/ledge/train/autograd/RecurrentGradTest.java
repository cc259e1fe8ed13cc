package dev.ledge.train.autograd;

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
import dev.ledge.train.ops.TrainOperators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * LSTM and GRU gradients. ONNX's recurrent kernels are float32 only, so the finite differences use
 * an independent double-precision forward written here from the ONNX definitions, which is itself
 * checked against Ledge's LSTM/GRU; the backward kernel runs in float64 directly, and the whole
 * autograd path (forward op + rule + kernel) is then checked in float32 against it.
 */
class RecurrentGradTest {
  /** One configuration. */
  record Config(
      boolean lstm,
      String direction,
      int layout,
      int seq,
      int batch,
      int in,
      int hid,
      boolean bias,
      boolean initial,
      boolean peepholes,
      int[] lens,
      Float clip,
      boolean inputForget,
      boolean linearBeforeReset) {
    int dirs() {
      return direction.equals("bidirectional") ? 2 : 1;
    }

    int gates() {
      return lstm ? 4 : 3;
    }
  }

  @Test
  void lstmForwardWithEverything() {
    check(
        new Config(
            true,
            "forward",
            0,
            4,
            3,
            3,
            2,
            true,
            true,
            true,
            new int[] {4, 2, 0},
            null,
            false,
            false));
  }

  @Test
  void lstmBidirectionalLayout1Clip() {
    check(
        new Config(
            true, "bidirectional", 1, 3, 2, 2, 3, true, true, false, null, 1.5f, false, false));
  }

  @Test
  void lstmReverseInputForgetNoBias() {
    check(
        new Config(
            true,
            "reverse",
            0,
            3,
            2,
            2,
            2,
            false,
            false,
            true,
            new int[] {2, 3},
            null,
            true,
            false));
  }

  @Test
  void gruForward() {
    check(new Config(false, "forward", 0, 4, 2, 3, 3, true, true, false, null, null, false, false));
  }

  @Test
  void gruBidirectionalLinearBeforeResetLayout1() {
    check(
        new Config(
            false,
            "bidirectional",
            1,
            3,
            3,
            2,
            2,
            true,
            true,
            false,
            new int[] {3, 1, 2},
            null,
            false,
            true));
  }

  @Test
  void gruReverseClip() {
    check(
        new Config(false, "reverse", 0, 3, 2, 2, 3, true, false, false, null, 0.8f, false, false));
  }

  // ---- the check ----

  private static double[] rand(Random r, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale); // float-representable: same data in f32
    }
    return v;
  }

  private void check(Config c) {
    Random rnd = new Random(c.hashCode() & 0xffff);
    int d = c.dirs();
    int g = c.gates();
    int[] xShape =
        c.layout == 0 ? new int[] {c.seq, c.batch, c.in} : new int[] {c.batch, c.seq, c.in};
    int[] sShape = c.layout == 0 ? new int[] {d, c.batch, c.hid} : new int[] {c.batch, d, c.hid};
    int[] yShape =
        c.layout == 0 ? new int[] {c.seq, d, c.batch, c.hid} : new int[] {c.batch, c.seq, d, c.hid};
    Map<String, double[]> v = new LinkedHashMap<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    v.put("X", rand(rnd, c.seq * c.batch * c.in, 1));
    shapes.put("X", xShape);
    v.put("W", rand(rnd, d * g * c.hid * c.in, 0.8));
    shapes.put("W", new int[] {d, g * c.hid, c.in});
    v.put("R", rand(rnd, d * g * c.hid * c.hid, 0.8));
    shapes.put("R", new int[] {d, g * c.hid, c.hid});
    if (c.bias) {
      v.put("B", rand(rnd, d * 2 * g * c.hid, 0.5));
      shapes.put("B", new int[] {d, 2 * g * c.hid});
    }
    if (c.initial) {
      v.put("H0", rand(rnd, d * c.batch * c.hid, 0.5));
      shapes.put("H0", sShape);
      if (c.lstm) {
        v.put("C0", rand(rnd, d * c.batch * c.hid, 0.5));
        shapes.put("C0", sShape);
      }
    }
    if (c.peepholes) {
      v.put("P", rand(rnd, d * 3 * c.hid, 0.5));
      shapes.put("P", new int[] {d, 3 * c.hid});
    }
    List<String> outs = c.lstm ? List.of("Y", "Yh", "Yc") : List.of("Y", "Yh");
    Map<String, double[]> seeds = new LinkedHashMap<>();
    seeds.put("Y", rand(rnd, c.seq * d * c.batch * c.hid, 1));
    seeds.put("Yh", rand(rnd, d * c.batch * c.hid, 1));
    if (c.lstm) {
      seeds.put("Yc", rand(rnd, d * c.batch * c.hid, 1));
    }
    Map<String, int[]> outShapes = Map.of("Y", yShape, "Yh", sShape, "Yc", sShape);

    // 1. the reference agrees with Ledge's float32 operator
    Map<String, double[]> ref = RecurrentReference.run(c, v);
    Map<String, Tensor> onnxOut;
    try (Session s = Model.of(forwardModel(c, shapes, DType.FLOAT32)).newSession()) {
      onnxOut = s.run(feeds(v, shapes, DType.FLOAT32, c));
    }
    for (String o : outs) {
      double[] want = ref.get(o);
      Tensor got = onnxOut.get(o);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got.getDouble(i), 2e-5, "reference vs Ledge " + o + "[" + i + "]");
      }
    }

    // 2. the double backward kernel against finite differences of the reference
    Map<String, double[]> analytic = backwardKernel(c, v, shapes, seeds, outShapes);
    double h = 1e-6;
    for (String name : v.keySet()) {
      double[] a = v.get(name);
      double[] ga = analytic.get(name);
      for (int i = 0; i < a.length; i++) {
        double orig = a[i];
        a[i] = orig + h;
        double fp = objective(RecurrentReference.run(c, v), seeds);
        a[i] = orig - h;
        double fm = objective(RecurrentReference.run(c, v), seeds);
        a[i] = orig;
        double num = (fp - fm) / (2 * h);
        assertEquals(num, ga[i], 1e-7 + 1e-6 * Math.abs(num), "d/d" + name + "[" + i + "] of " + c);
      }
    }

    // 3. autograd through the ONNX op in float32 agrees with the double kernel
    ModelDef fwd = forwardModel(c, shapes, DType.FLOAT32);
    Map<String, String> seedInputs = new LinkedHashMap<>();
    for (String o : outs) {
      seedInputs.put(o, "seed_" + o);
    }
    GradientGraph gg =
        Autograd.differentiate(fwd, seedInputs, v.keySet(), GradientRules.standard());
    Map<String, Tensor> feed = feeds(v, shapes, DType.FLOAT32, c);
    for (String o : outs) {
      feed.put("seed_" + o, tensor(seeds.get(o), outShapes.get(o), DType.FLOAT32));
    }
    Map<String, Tensor> got;
    try (Session s = gg.model().newSession()) {
      got = s.run(feed);
    }
    for (String name : v.keySet()) {
      double[] want = analytic.get(name);
      Tensor t = got.get(gg.gradients().get(name));
      assertEquals(want.length, t.size());
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], t.getDouble(i), 1e-4 * (1 + Math.abs(want[i])), "float32 d/d" + name);
      }
    }
  }

  private static double objective(Map<String, double[]> y, Map<String, double[]> seeds) {
    double f = 0;
    for (var e : seeds.entrySet()) {
      double[] yo = y.get(e.getKey());
      for (int i = 0; i < yo.length; i++) {
        f += yo[i] * e.getValue()[i];
      }
    }
    return f;
  }

  private static Tensor tensor(double[] v, int[] shape, DType t) {
    Tensor x = Tensor.allocate(t, shape);
    for (int i = 0; i < v.length; i++) {
      x.setDouble(i, v[i]);
    }
    return x;
  }

  private static Map<String, Tensor> feeds(
      Map<String, double[]> v, Map<String, int[]> shapes, DType t, Config c) {
    Map<String, Tensor> f = new LinkedHashMap<>();
    v.forEach((k, a) -> f.put(k, tensor(a, shapes.get(k), t)));
    return f;
  }

  private static List<String> inputNames(Config c, Map<String, int[]> shapes) {
    List<String> in = new ArrayList<>(List.of("X", "W", "R"));
    in.add(shapes.containsKey("B") ? "B" : "");
    in.add(c.lens != null ? "lens" : "");
    in.add(shapes.containsKey("H0") ? "H0" : "");
    if (c.lstm) {
      in.add(shapes.containsKey("C0") ? "C0" : "");
      in.add(shapes.containsKey("P") ? "P" : "");
    }
    return in;
  }

  private static Map<String, Attribute> attrs(Config c) {
    Map<String, Attribute> a = new LinkedHashMap<>();
    a.put("hidden_size", Attribute.of("hidden_size", (long) c.hid));
    a.put("direction", Attribute.of("direction", c.direction));
    a.put("layout", Attribute.of("layout", (long) c.layout));
    if (c.clip != null) {
      a.put("clip", Attribute.of("clip", c.clip));
    }
    if (c.inputForget) {
      a.put("input_forget", Attribute.of("input_forget", 1L));
    }
    if (c.linearBeforeReset) {
      a.put("linear_before_reset", Attribute.of("linear_before_reset", 1L));
    }
    return a;
  }

  private static ModelDef forwardModel(Config c, Map<String, int[]> shapes, DType t) {
    Graph gr = new Graph("rnn");
    shapes.forEach((k, s) -> gr.inputs().add(new ValueInfo(k, ValueType.tensor(t, Shape.of(s)))));
    if (c.lens != null) {
      gr.initializers().put("lens", Tensor.wrap(c.lens.clone(), c.lens.length));
    }
    List<String> outs = c.lstm ? List.of("Y", "Yh", "Yc") : List.of("Y", "Yh");
    gr.nodes()
        .add(new Node("rnn", c.lstm ? "LSTM" : "GRU", "", inputNames(c, shapes), outs, attrs(c)));
    for (String o : outs) {
      gr.outputs().add(new ValueInfo(o, null));
    }
    ModelDef m = new ModelDef(gr);
    m.opsetImports().put("", 14L);
    return m;
  }

  /** Runs the LSTMGrad/GRUGrad kernel on float64 inputs. */
  private static Map<String, double[]> backwardKernel(
      Config c,
      Map<String, double[]> v,
      Map<String, int[]> shapes,
      Map<String, double[]> seeds,
      Map<String, int[]> outShapes) {
    Graph gr = new Graph("bw");
    Map<String, Tensor> feed = new LinkedHashMap<>();
    v.forEach(
        (k, a) -> {
          gr.inputs()
              .add(new ValueInfo(k, ValueType.tensor(DType.FLOAT64, Shape.of(shapes.get(k)))));
          feed.put(k, tensor(a, shapes.get(k), DType.FLOAT64));
        });
    seeds.forEach(
        (k, a) -> {
          gr.inputs()
              .add(
                  new ValueInfo(
                      "d" + k, ValueType.tensor(DType.FLOAT64, Shape.of(outShapes.get(k)))));
          feed.put("d" + k, tensor(a, outShapes.get(k), DType.FLOAT64));
        });
    if (c.lens != null) {
      gr.initializers().put("lens", Tensor.wrap(c.lens.clone(), c.lens.length));
    }
    List<String> in = inputNames(c, shapes);
    for (String o : seeds.keySet()) {
      in.add("d" + o);
    }
    List<String> gradOf =
        c.lstm ? List.of("X", "W", "R", "B", "H0", "C0", "P") : List.of("X", "W", "R", "B", "H0");
    List<String> outs = new ArrayList<>();
    for (String name : gradOf) {
      outs.add(v.containsKey(name) ? "g" + name : "");
    }
    gr.nodes()
        .add(
            new Node(
                "bw", c.lstm ? "LSTMGrad" : "GRUGrad", TrainOperators.DOMAIN, in, outs, attrs(c)));
    for (String o : outs) {
      if (!o.isEmpty()) {
        gr.outputs().add(new ValueInfo(o, null));
      }
    }
    ModelDef m = new ModelDef(gr);
    m.opsetImports().put("", 14L);
    m.opsetImports().put(TrainOperators.DOMAIN, 1L);
    Map<String, Tensor> r;
    try (Session s = Model.of(m, TrainOperators.registry()).newSession()) {
      r = s.run(feed);
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String name : v.keySet()) {
      Tensor t = r.get("g" + name);
      assertTrue(t != null, "gradient of " + name);
      double[] a = new double[t.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = t.getDouble(i);
      }
      out.put(name, a);
    }
    return out;
  }
}
