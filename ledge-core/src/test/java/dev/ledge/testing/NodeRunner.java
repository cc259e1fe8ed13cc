package dev.ledge.testing;

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
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one node on given tensors: builds a one-node model, prepares it and runs it once. */
public final class NodeRunner {
  private final String op;
  private String domain = "";
  private long opset = 21;
  private final Map<String, Attribute> attrs = new LinkedHashMap<>();
  private final List<Tensor> inputs = new ArrayList<>();
  private int outputs = 1;

  private NodeRunner(String op) {
    this.op = op;
  }

  /** A runner for one node of the given op type (default domain, opset 21). */
  public static NodeRunner op(String op) {
    return new NodeRunner(op);
  }

  /** Puts the node in another domain, imported at the given version. */
  public NodeRunner domain(String d, long version) {
    domain = d;
    opset = version;
    return this;
  }

  /** The imported version of the node's domain. */
  public NodeRunner opset(long version) {
    opset = version;
    return this;
  }

  /** An attribute: Long/Integer, Float, String, long[], float[], Tensor or a List of strings. */
  public NodeRunner attr(String name, Object v) {
    attrs.put(
        name,
        switch (v) {
          case Long l -> Attribute.of(name, l.longValue());
          case Integer l -> Attribute.of(name, l.longValue());
          case Float f -> Attribute.of(name, f.floatValue());
          case String s -> Attribute.of(name, s);
          case long[] l -> Attribute.of(name, l);
          case float[] f -> Attribute.of(name, f);
          case Tensor t -> Attribute.of(name, t);
          case List<?> l -> Attribute.ofStrings(name, l.stream().map(String.class::cast).toList());
          default -> throw new IllegalArgumentException("attribute " + name + ": " + v);
        });
    return this;
  }

  /** Adds an input; null for an omitted optional input. */
  public NodeRunner input(Tensor t) {
    inputs.add(t);
    return this;
  }

  /** The number of node outputs (default 1). */
  public NodeRunner outputs(int n) {
    outputs = n;
    return this;
  }

  /** The one-node model. */
  public ModelDef model() {
    Graph g = new Graph("test");
    List<String> in = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = inputs.get(i);
      if (t == null) {
        in.add("");
        continue;
      }
      String name = "x" + i;
      in.add(name);
      g.inputs().add(new ValueInfo(name, new ValueType.TensorType(t.dtype(), Shape.of(t.shape()))));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      out.add("y" + i);
      g.outputs().add(new ValueInfo("y" + i, null));
    }
    g.nodes().add(new Node("n", op, domain, in, out, attrs));
    ModelDef m = new ModelDef(g);
    m.opsetImports().put("", 21L);
    m.opsetImports().put(domain, opset);
    return m;
  }

  /** Prepares and runs the node once; returns its outputs in order. */
  public List<Tensor> run() {
    Map<String, Tensor> feed = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) != null) {
        feed.put("x" + i, inputs.get(i));
      }
    }
    // Operator tests test the operator: graph passes (which may remove it) have their own tests.
    try (Session s =
        Model.of(model())
            .newSession(SessionOptions.defaults().optimizationLevel(OptimizationLevel.NONE))) {
      Map<String, Tensor> r = s.run(feed);
      List<Tensor> res = new ArrayList<>();
      for (int i = 0; i < outputs; i++) {
        res.add(r.get("y" + i));
      }
      return res;
    }
  }

  /** Runs and returns the first output. */
  public Tensor run1() {
    return run().getFirst();
  }

  /** A string tensor of the given shape. */
  public static Tensor strings(int[] shape, String... values) {
    return Tensor.wrap(DType.STRING, values.clone(), 0, shape);
  }

  /** A 1-D string tensor. */
  public static Tensor strings(String... values) {
    return strings(new int[] {values.length}, values);
  }

  /** The elements of a string tensor. */
  public static String[] values(Tensor t) {
    String[] r = new String[t.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = t.getString(i);
    }
    return r;
  }
}
