package dev.ledge.train.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

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
import org.junit.jupiter.api.Assumptions;

/**
 * Checks gradients against central finite differences in double precision: the function checked is
 * {@code f = sum over seeded outputs of <y, R>} with fixed random R, so every output element
 * matters. Then re-runs the backward graph in float32 and checks it agrees with the float64 result
 * (the float32 kernels against the float64 reference).
 *
 * <pre>{@code
 * GradCheck.op("Mul", 17).input("a", a).input("b", b).check();
 * }</pre>
 */
final class GradCheck {
  private final String opType;
  private final String domain;
  private final long opset;
  private final Map<String, Tensor> inputs = new LinkedHashMap<>();
  private final List<String> nodeInputs = new ArrayList<>();
  private final List<String> wrt = new ArrayList<>();
  private final Map<String, Tensor> constants = new LinkedHashMap<>();
  private final Map<String, Attribute> attrs = new LinkedHashMap<>();
  private List<String> outputs = List.of("y");
  private List<String> seeded;
  private long seed = 1;
  private double h = 1e-6;
  private double rtol = 1e-6;
  private double atol = 1e-7;
  private double f32tol = 2e-4;
  private boolean checkFloat32 = true;
  private GradientRules rules = GradientRules.standard();

  private GradCheck(String domain, String opType, long opset) {
    this.domain = domain;
    this.opType = opType;
    this.opset = opset;
  }

  static GradCheck op(String opType, long opset) {
    return new GradCheck("", opType, opset);
  }

  static GradCheck trainOp(String opType, long opset) {
    return new GradCheck(TrainOperators.DOMAIN, opType, opset);
  }

  /** A differentiated float64 input. */
  GradCheck input(String name, Tensor value) {
    nodeInputs.add(name);
    inputs.put(name, value);
    wrt.add(name);
    return this;
  }

  /** A run-time input that is not differentiated (indices, labels, teacher logits ...). */
  GradCheck fixedInput(String name, Tensor value) {
    nodeInputs.add(name);
    inputs.put(name, value);
    return this;
  }

  /** A constant (initializer) input. */
  GradCheck constant(String name, Tensor value) {
    nodeInputs.add(name);
    constants.put(name, value);
    return this;
  }

  GradCheck omitted() {
    nodeInputs.add("");
    return this;
  }

  GradCheck attr(Attribute a) {
    attrs.put(a.name(), a);
    return this;
  }

  GradCheck outputs(String... names) {
    outputs = List.of(names);
    return this;
  }

  /** Outputs whose gradient is seeded (default: all). */
  GradCheck seeded(String... names) {
    seeded = List.of(names);
    return this;
  }

  GradCheck seed(long s) {
    seed = s;
    return this;
  }

  GradCheck tolerance(double rtol, double atol) {
    this.rtol = rtol;
    this.atol = atol;
    return this;
  }

  GradCheck float32Tolerance(double tol) {
    f32tol = tol;
    return this;
  }

  /** Rules to check (default: the standard ones). */
  GradCheck rules(GradientRules r) {
    rules = r;
    return this;
  }

  GradCheck noFloat32() {
    checkFloat32 = false;
    return this;
  }

  /** Skips the test if the forward op is not registered in this build (merged later). */
  static void requireForward(String domain, String op) {
    Assumptions.assumeTrue(
        TrainOperators.registry().find(domain, op) != null,
        "forward op " + op + " is not in this build yet");
  }

  ModelDef forward(DType t) {
    Graph g = new Graph("check");
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Tensor v = convert(e.getValue(), t);
      g.inputs().add(new ValueInfo(e.getKey(), ValueType.tensor(v.dtype(), Shape.of(v.shape()))));
    }
    for (Map.Entry<String, Tensor> e : constants.entrySet()) {
      g.initializers().put(e.getKey(), convert(e.getValue(), t));
    }
    g.nodes().add(new Node("n", opType, domain, nodeInputs, outputs, attrs));
    for (String o : outputs) {
      if (!o.isEmpty()) {
        g.outputs().add(new ValueInfo(o, null));
      }
    }
    ModelDef def = new ModelDef(g);
    def.opsetImports().put("", domain.isEmpty() ? opset : 17);
    def.opsetImports().put(TrainOperators.DOMAIN, TrainOperators.VERSION);
    return def;
  }

  void check() {
    requireForward(domain, opType);
    check(
        forward(DType.FLOAT64),
        forward(DType.FLOAT32),
        inputs,
        wrt,
        seeded != null ? seeded : outputs.stream().filter(o -> !o.isEmpty()).toList());
  }

  /** Checks any model (float64) and optionally its float32 twin. */
  void check(
      ModelDef f64, ModelDef f32, Map<String, Tensor> feeds, List<String> wrt, List<String> seeds) {
    Map<String, Tensor> feed64 = new LinkedHashMap<>();
    feeds.forEach((k, v) -> feed64.put(k, convert(v, DType.FLOAT64)));
    Model fwd = Model.of(f64, TrainOperators.registry());
    Map<String, Tensor> y;
    try (Session s = fwd.newSession()) {
      y = s.run(feed64);
    }
    Random rnd = new Random(seed);
    Map<String, Tensor> r = new LinkedHashMap<>();
    Map<String, String> seedInputs = new LinkedHashMap<>();
    for (String o : seeds) {
      Tensor yo = y.get(o);
      double[] v = new double[yo.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextDouble() * 2 - 1;
      }
      r.put(o, Tensor.wrap(v, yo.shape()));
      seedInputs.put(o, "seed_" + o);
    }
    GradientGraph gg = Autograd.differentiate(f64, seedInputs, wrt, rules);
    Map<String, Tensor> feedB = new LinkedHashMap<>(feed64);
    r.forEach((o, t) -> feedB.put("seed_" + o, t));
    Map<String, Tensor> grads;
    try (Session s = gg.model().newSession()) {
      grads = s.run(feedB);
    }
    try (Session s = fwd.newSession()) {
      for (String w : wrt) {
        Tensor x = feed64.get(w);
        Tensor analytic = grads.get(gg.gradients().get(w));
        assertEquals(
            java.util.Arrays.toString(x.shape()),
            java.util.Arrays.toString(analytic.shape()),
            "gradient shape of " + w);
        int n = x.size();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          idx.add(i);
        }
        if (n > 150) {
          java.util.Collections.shuffle(idx, new Random(seed + 7));
          idx = idx.subList(0, 150);
        }
        for (int i : idx) {
          double orig = x.doubles()[i];
          double step = h * Math.max(1, Math.abs(orig));
          x.doubles()[i] = orig + step;
          double fp = objective(s.run(feed64), r);
          x.doubles()[i] = orig - step;
          double fm = objective(s.run(feed64), r);
          x.doubles()[i] = orig;
          double numeric = (fp - fm) / (2 * step);
          double a = analytic.getDouble(i);
          if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
            fail(
                opType
                    + ": d/d"
                    + w
                    + "["
                    + i
                    + "] analytic "
                    + a
                    + " vs numeric "
                    + numeric
                    + " (difference "
                    + Math.abs(a - numeric)
                    + ")");
          }
        }
      }
    }
    if (checkFloat32 && f32 != null) {
      Map<String, String> seeds32 = new LinkedHashMap<>(seedInputs);
      GradientGraph g32 = Autograd.differentiate(f32, seeds32, wrt, rules);
      Map<String, Tensor> feed32 = new LinkedHashMap<>();
      feedB.forEach((k, v) -> feed32.put(k, convert(v, DType.FLOAT32)));
      Map<String, Tensor> out32;
      try (Session s = g32.model().newSession()) {
        out32 = s.run(feed32);
      }
      for (String w : wrt) {
        Tensor a = grads.get(gg.gradients().get(w));
        Tensor b = out32.get(g32.gradients().get(w));
        assertEquals(DType.FLOAT32, b.dtype());
        double scale = 0;
        for (int i = 0; i < a.size(); i++) {
          scale = Math.max(scale, Math.abs(a.getDouble(i)));
        }
        for (int i = 0; i < a.size(); i++) {
          double d = Math.abs(a.getDouble(i) - b.getDouble(i));
          if (d > f32tol * Math.max(1, scale)) {
            fail(
                opType
                    + ": float32 gradient d/d"
                    + w
                    + "["
                    + i
                    + "] "
                    + b.getDouble(i)
                    + " vs float64 "
                    + a.getDouble(i));
          }
        }
      }
    }
  }

  private static double objective(Map<String, Tensor> y, Map<String, Tensor> r) {
    double f = 0;
    for (Map.Entry<String, Tensor> e : r.entrySet()) {
      Tensor yo = y.get(e.getKey());
      for (int i = 0; i < yo.size(); i++) {
        f += yo.getDouble(i) * e.getValue().getDouble(i);
      }
    }
    return f;
  }

  /** Float tensors converted to {@code t}; others unchanged. */
  static Tensor convert(Tensor v, DType t) {
    if (!v.dtype().isFloatingPoint() || v.dtype() == t) {
      return v.dtype() == DType.FLOAT64 ? v.copy() : v;
    }
    Tensor out = Tensor.allocate(t, v.shape());
    for (int i = 0; i < v.size(); i++) {
      out.setDouble(i, v.getDouble(i));
    }
    return out;
  }

  /** Uniform random float64 values in [lo, hi). */
  static Tensor random(long seed, double lo, double hi, int... shape) {
    Random rnd = new Random(seed);
    Tensor t = Tensor.allocate(DType.FLOAT64, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setDouble(i, lo + (hi - lo) * rnd.nextDouble());
    }
    return t;
  }

  /** Random values whose magnitude is at least {@code gap} (away from kinks at 0). */
  static Tensor awayFromZero(long seed, double gap, int... shape) {
    Random rnd = new Random(seed);
    Tensor t = Tensor.allocate(DType.FLOAT64, shape);
    for (int i = 0; i < t.size(); i++) {
      double v = gap + (1 - gap) * rnd.nextDouble();
      t.setDouble(i, rnd.nextBoolean() ? v : -v);
    }
    return t;
  }
}
