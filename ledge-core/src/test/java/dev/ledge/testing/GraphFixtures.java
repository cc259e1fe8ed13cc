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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small in-memory graphs for operator tests: value infos, nodes, and one-call runs. */
public final class GraphFixtures {
  private GraphFixtures() {}

  /** A tensor value; {@code shape} null means unknown rank. */
  public static ValueInfo tensor(String name, DType dtype, int... shape) {
    return new ValueInfo(
        name, new ValueType.TensorType(dtype, shape == null ? null : Shape.of(shape)));
  }

  /** A tensor value of unknown shape. */
  public static ValueInfo anyTensor(String name, DType dtype) {
    return new ValueInfo(name, new ValueType.TensorType(dtype, null));
  }

  /** A value of any type. */
  public static ValueInfo value(String name, ValueType type) {
    return new ValueInfo(name, type);
  }

  /** A sequence of tensors of {@code dtype} with unknown shapes. */
  public static ValueType sequenceOf(DType dtype) {
    return new ValueType.SequenceType(new ValueType.TensorType(dtype, null));
  }

  /** A node of the default domain. */
  public static Node node(
      String op, List<String> inputs, List<String> outputs, Attribute... attrs) {
    Map<String, Attribute> m = new LinkedHashMap<>();
    for (Attribute a : attrs) {
      m.put(a.name(), a);
    }
    return new Node("", op, "", inputs, outputs, m);
  }

  /** A graph with the given inputs, nodes and outputs. */
  public static Graph graph(List<ValueInfo> inputs, List<Node> nodes, List<ValueInfo> outputs) {
    Graph g = new Graph("test");
    g.inputs().addAll(inputs);
    g.nodes().addAll(nodes);
    g.outputs().addAll(outputs);
    return g;
  }

  /** A model of {@code graph} importing ai.onnx at {@code opset}. */
  public static Model model(Graph graph, long opset) {
    ModelDef def = new ModelDef(graph);
    def.setIrVersion(8);
    def.opsetImports().put("", opset);
    return Model.of(def);
  }

  /** Plans and runs {@code graph} once; returns every output by name. */
  public static Map<String, Object> run(Graph graph, long opset, Map<String, ?> inputs) {
    // Operator tests test the operators: graph passes (which may remove them) have their own tests.
    try (Session s =
        model(graph, opset)
            .newSession(SessionOptions.defaults().optimizationLevel(OptimizationLevel.NONE))) {
      return s.runValues(inputs);
    }
  }

  /** A float32 tensor of the given shape and values. */
  public static Tensor floats(int[] shape, float... values) {
    return Tensor.wrap(values, shape);
  }
}
