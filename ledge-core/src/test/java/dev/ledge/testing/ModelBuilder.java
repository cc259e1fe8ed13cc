package dev.ledge.testing;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A terse builder of small models for tests. */
public final class ModelBuilder {
  private final Graph graph = new Graph("test");
  private final ModelDef model = new ModelDef(graph);
  private int counter;

  public ModelBuilder(long opset) {
    model.opsetImports().put("", opset);
  }

  public ModelBuilder() {
    this(21);
  }

  public ModelBuilder input(String name, DType dtype, long... shape) {
    graph.inputs().add(new ValueInfo(name, new ValueType.TensorType(dtype, Shape.of(shape))));
    return this;
  }

  public ModelBuilder output(String name) {
    graph.outputs().add(new ValueInfo(name, null));
    return this;
  }

  public ModelBuilder output(String name, DType dtype, long... shape) {
    graph.outputs().add(new ValueInfo(name, new ValueType.TensorType(dtype, Shape.of(shape))));
    return this;
  }

  public ModelBuilder initializer(String name, Tensor value) {
    graph.initializers().put(name, value);
    return this;
  }

  /** Adds a node; attributes as name/value pairs (Long, Float, String, long[], float[], Tensor). */
  public ModelBuilder node(String op, List<String> inputs, List<String> outputs, Object... attrs) {
    Map<String, Attribute> a = new LinkedHashMap<>();
    for (int i = 0; i < attrs.length; i += 2) {
      String n = (String) attrs[i];
      Object v = attrs[i + 1];
      a.put(
          n,
          switch (v) {
            case Long l -> Attribute.of(n, l.longValue());
            case Integer l -> Attribute.of(n, l.longValue());
            case Float f -> Attribute.of(n, f.floatValue());
            case String s -> Attribute.of(n, s);
            case long[] l -> Attribute.of(n, l);
            case float[] f -> Attribute.of(n, f);
            case Tensor t -> Attribute.of(n, t);
            case Graph g -> Attribute.of(n, g);
            default -> throw new IllegalArgumentException("attribute " + n + ": " + v);
          });
    }
    graph.nodes().add(new Node(op + "_" + (counter++), op, "", inputs, outputs, a));
    return this;
  }

  public ModelBuilder node(String op, String input, String output, Object... attrs) {
    return node(op, Arrays.asList(input), Arrays.asList(output), attrs);
  }

  public Graph graph() {
    return graph;
  }

  public ModelDef build() {
    return model;
  }
}
