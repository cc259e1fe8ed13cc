package dev.ledge.ops.tensor;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Model;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds and runs a one-node model: inputs fed at run time, constants as initializers. */
final class OpRunner {
  private final String opType;
  private final long opset;
  private final Map<String, Attribute> attrs = new LinkedHashMap<>();
  private final List<String> inputNames = new ArrayList<>();
  private final Map<String, Tensor> feeds = new LinkedHashMap<>();
  private final Map<String, Tensor> constants = new LinkedHashMap<>();
  private int outputs = 1;

  private OpRunner(String opType, long opset) {
    this.opType = opType;
    this.opset = opset;
  }

  static OpRunner op(String opType, long opset) {
    return new OpRunner(opType, opset);
  }

  OpRunner attr(Attribute a) {
    attrs.put(a.name(), a);
    return this;
  }

  OpRunner attr(String name, long v) {
    return attr(Attribute.of(name, v));
  }

  OpRunner ints(String name, long... v) {
    return attr(Attribute.of(name, v));
  }

  OpRunner attr(String name, String v) {
    return attr(Attribute.of(name, v));
  }

  OpRunner attr(String name, float v) {
    return attr(Attribute.of(name, v));
  }

  /** A run-time input (the model declares its dtype and shape). */
  OpRunner input(Tensor t) {
    String name = "in" + inputNames.size();
    inputNames.add(name);
    feeds.put(name, t);
    return this;
  }

  /** A constant input (an initializer). */
  OpRunner constant(Tensor t) {
    String name = "in" + inputNames.size();
    inputNames.add(name);
    constants.put(name, t);
    return this;
  }

  /** An omitted optional input. */
  OpRunner missing() {
    inputNames.add("");
    return this;
  }

  OpRunner outputs(int n) {
    outputs = n;
    return this;
  }

  /** Builds, plans and runs the model; returns the outputs in order. */
  List<Tensor> run() {
    Graph g = new Graph("test");
    List<String> outNames = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      outNames.add("out" + i);
      g.outputs().add(new ValueInfo("out" + i, null));
    }
    for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
      Tensor t = e.getValue();
      g.inputs()
          .add(new ValueInfo(e.getKey(), new ValueType.TensorType(t.dtype(), Shape.of(t.shape()))));
    }
    g.initializers().putAll(constants);
    g.nodes().add(new Node("n", opType, "", inputNames, outNames, attrs));
    ModelDef def = new ModelDef(g);
    def.opsetImports().put("", opset);
    Map<String, Object> result = Model.of(def).newSession().runValues(feeds);
    List<Tensor> r = new ArrayList<>();
    for (String n : outNames) {
      r.add((Tensor) result.get(n));
    }
    return r;
  }

  Tensor run1() {
    return run().get(0);
  }
}
