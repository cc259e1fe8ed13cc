package dev.ledge.ops.nn;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a one-node model around an operator and runs it (test helper). */
final class NodeRunner {
  private final String op;
  private long opset = 22;
  private final Map<String, Attribute> attrs = new LinkedHashMap<>();
  private final List<Tensor> inputs = new ArrayList<>();
  private final List<Boolean> constant = new ArrayList<>();
  private int outputs = 1;
  private boolean dynamic;
  private int threads = 1;

  private NodeRunner(String op) {
    this.op = op;
  }

  static NodeRunner op(String op) {
    return new NodeRunner(op);
  }

  NodeRunner opset(long v) {
    opset = v;
    return this;
  }

  NodeRunner attr(String name, long v) {
    attrs.put(name, Attribute.of(name, v));
    return this;
  }

  NodeRunner attr(String name, float v) {
    attrs.put(name, Attribute.of(name, v));
    return this;
  }

  NodeRunner attr(String name, String v) {
    attrs.put(name, Attribute.of(name, v));
    return this;
  }

  NodeRunner ints(String name, long... v) {
    attrs.put(name, Attribute.of(name, v));
    return this;
  }

  /** A graph input with the tensor's full static type. */
  NodeRunner input(Tensor t) {
    inputs.add(t);
    constant.add(false);
    return this;
  }

  /** An initializer (constant input). */
  NodeRunner constant(Tensor t) {
    inputs.add(t);
    constant.add(true);
    return this;
  }

  /** An omitted optional input. */
  NodeRunner omitted() {
    inputs.add(null);
    constant.add(false);
    return this;
  }

  /** Runs the session on {@code n} threads (default 1). */
  NodeRunner threads(int n) {
    threads = n;
    return this;
  }

  NodeRunner outputs(int n) {
    outputs = n;
    return this;
  }

  /** Declare graph inputs without shapes, so that prepare sees only dtypes. */
  NodeRunner dynamic() {
    dynamic = true;
    return this;
  }

  /** The model, ready to run. */
  Model model() {
    Graph g = new Graph("test");
    List<String> in = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = inputs.get(i);
      if (t == null) {
        in.add("");
        continue;
      }
      String name = "in" + i;
      in.add(name);
      if (constant.get(i)) {
        g.initializers().put(name, t);
      } else {
        Shape s = dynamic ? null : Shape.of(t.shape());
        g.inputs().add(new ValueInfo(name, new ValueType.TensorType(t.dtype(), s)));
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      out.add("out" + i);
      g.outputs().add(new ValueInfo("out" + i, null));
    }
    g.nodes().add(new Node("n", op, "", in, out, attrs));
    ModelDef def = new ModelDef(g);
    def.opsetImports().put("", opset);
    return Model.of(def);
  }

  /** Runs the node and returns its outputs in order. */
  List<Tensor> run() {
    // Operator tests test the operator: graph passes (which may remove it) have their own tests.
    Session s =
        model()
            .newSession(
                SessionOptions.defaults()
                    .threads(threads)
                    .optimizationLevel(OptimizationLevel.NONE));
    Map<String, Tensor> feed = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) != null && !constant.get(i)) {
        feed.put("in" + i, inputs.get(i));
      }
    }
    return new ArrayList<>(s.run(feed).values());
  }

  /** Runs the node and returns output 0. */
  Tensor run0() {
    return run().get(0);
  }
}
