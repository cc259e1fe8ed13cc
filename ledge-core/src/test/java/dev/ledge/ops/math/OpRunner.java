package dev.ledge.ops.math;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Model;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a one-node model around an operator and runs it: inputs are graph inputs (declared with
 * their static shapes, or with unknown dims when {@link #dynamic()} is set so that shape clashes
 * only surface at run time), constant inputs are initializers, omitted inputs have empty names.
 */
final class OpRunner {
  private final String opType;
  private long opset = 21;
  private final Map<String, Attribute> attributes = new LinkedHashMap<>();
  private final List<Tensor> inputs = new ArrayList<>();
  private final List<Boolean> constant = new ArrayList<>();
  private boolean dynamic;

  private OpRunner(String opType) {
    this.opType = opType;
  }

  static OpRunner op(String opType) {
    return new OpRunner(opType);
  }

  OpRunner opset(long v) {
    opset = v;
    return this;
  }

  OpRunner attr(String name, long v) {
    attributes.put(name, Attribute.of(name, v));
    return this;
  }

  OpRunner attr(String name, float v) {
    attributes.put(name, Attribute.of(name, v));
    return this;
  }

  OpRunner attr(String name, String v) {
    attributes.put(name, Attribute.of(name, v));
    return this;
  }

  OpRunner in(Tensor... ts) {
    for (Tensor t : ts) {
      inputs.add(t);
      constant.add(false);
    }
    return this;
  }

  /** An input given as an initializer (a constant the planner may fold). */
  OpRunner constant(Tensor t) {
    inputs.add(t);
    constant.add(true);
    return this;
  }

  /** An omitted optional input. */
  OpRunner omitted() {
    inputs.add(null);
    constant.add(false);
    return this;
  }

  /** Declares graph inputs with unknown dims (rank kept). */
  OpRunner dynamic() {
    dynamic = true;
    return this;
  }

  /** Runs the node and returns its only output. */
  Tensor run() {
    Graph g = new Graph("test");
    List<String> names = new ArrayList<>();
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = inputs.get(i);
      if (t == null) {
        names.add("");
        continue;
      }
      String name = "x" + i;
      names.add(name);
      if (constant.get(i)) {
        g.initializers().put(name, t);
        continue;
      }
      Shape s = dynamic ? Shape.unknownDims(t.rank()) : Shape.of(t.shape());
      g.inputs().add(new ValueInfo(name, new ValueType.TensorType(t.dtype(), s)));
      feeds.put(name, t);
    }
    g.nodes().add(new Node("n", opType, "", names, List.of("y"), attributes));
    g.outputs().add(new ValueInfo("y", null));
    ModelDef def = new ModelDef(g);
    def.opsetImports().put("", opset);
    return Model.of(def).newSession().run(feeds).get("y");
  }

  // ---- tensor makers ----

  static Tensor tensor(DType t, int[] shape, double... values) {
    Tensor r = Tensor.allocate(t, shape);
    for (int i = 0; i < values.length; i++) {
      r.setDouble(i, values[i]);
    }
    return r;
  }

  static Tensor vector(DType t, double... values) {
    return tensor(t, new int[] {values.length}, values);
  }

  static Tensor longs(DType t, long... values) {
    Tensor r = Tensor.allocate(t, values.length);
    for (int i = 0; i < values.length; i++) {
      r.setLong(i, values[i]);
    }
    return r;
  }

  static Tensor bools(int[] shape, boolean... values) {
    Tensor r = Tensor.allocate(DType.BOOL, shape);
    for (int i = 0; i < values.length; i++) {
      r.setBoolean(i, values[i]);
    }
    return r;
  }

  static double[] doubles(Tensor t) {
    double[] r = new double[t.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = t.getDouble(i);
    }
    return r;
  }
}
