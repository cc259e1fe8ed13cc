package dev.ledge.testing;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and runs a model of one ONNX node, for operator unit tests. Inputs are fed at run time
 * (declared with their dtype and shape, or with an unknown shape), given as constants
 * (initializers), or omitted.
 *
 * <pre>{@code
 * Tensor y = NodeHarness.op("ReduceSum", 13).input("x", x).constant("axes", Tensor.ofLongs(1))
 *     .attr(Attribute.of("keepdims", 0L)).run1();
 * }</pre>
 */
public final class NodeHarness {
  private final String opType;
  private final long opset;
  private final List<String> nodeInputs = new ArrayList<>();
  private final Map<String, Tensor> feeds = new LinkedHashMap<>();
  private final List<ValueInfo> graphInputs = new ArrayList<>();
  private final Map<String, Tensor> constants = new LinkedHashMap<>();
  private final Map<String, Attribute> attributes = new LinkedHashMap<>();
  private final List<String> outputs = new ArrayList<>(List.of("y"));

  private NodeHarness(String opType, long opset) {
    this.opType = opType;
    this.opset = opset;
  }

  /** A node of {@code opType} in a model importing ai.onnx {@code opset}. */
  public static NodeHarness op(String opType, long opset) {
    return new NodeHarness(opType, opset);
  }

  /** A run-time input declared with the value's dtype and shape. */
  public NodeHarness input(String name, Tensor value) {
    nodeInputs.add(name);
    feeds.put(name, value);
    graphInputs.add(
        new ValueInfo(name, new ValueType.TensorType(value.dtype(), Shape.of(value.shape()))));
    return this;
  }

  /** A run-time input declared with the value's dtype but no shape (shapes known only at run). */
  public NodeHarness dynamicInput(String name, Tensor value) {
    nodeInputs.add(name);
    feeds.put(name, value);
    graphInputs.add(new ValueInfo(name, new ValueType.TensorType(value.dtype(), null)));
    return this;
  }

  /** A constant input (an initializer). */
  public NodeHarness constant(String name, Tensor value) {
    nodeInputs.add(name);
    constants.put(name, value);
    return this;
  }

  /** An omitted optional input (empty name). */
  public NodeHarness omitted() {
    nodeInputs.add("");
    return this;
  }

  public NodeHarness attr(Attribute a) {
    attributes.put(a.name(), a);
    return this;
  }

  /** Output names (default: one output "y"). */
  public NodeHarness outputs(String... names) {
    outputs.clear();
    outputs.addAll(List.of(names));
    return this;
  }

  /** The model. */
  public Model model() {
    Graph g = new Graph("test");
    g.nodes().add(new Node("n", opType, "", nodeInputs, outputs, attributes));
    g.inputs().addAll(graphInputs);
    g.initializers().putAll(constants);
    for (String o : outputs) {
      g.outputs().add(new ValueInfo(o, null));
    }
    ModelDef def = new ModelDef(g);
    def.opsetImports().put("", opset);
    return Model.of(def);
  }

  /** Plans and runs the node; every output by name. */
  public Map<String, Tensor> run() {
    // Operator tests test the operator: graph passes (which may remove it) have their own tests.
    return model()
        .newSession(SessionOptions.defaults().optimizationLevel(OptimizationLevel.NONE))
        .run(feeds);
  }

  /** Plans and runs the node; its first output. */
  public Tensor run1() {
    return run().get(outputs.getFirst());
  }
}
