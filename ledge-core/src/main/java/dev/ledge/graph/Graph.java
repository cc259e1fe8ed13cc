package dev.ledge.graph;

import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A computation graph: nodes (in file order until sorted), graph inputs and outputs, constant
 * initializers and known types of intermediate values. Subgraphs (If, Loop, Scan bodies) are Graphs
 * held in node attributes; they may read values of enclosing graphs by name.
 */
public final class Graph {
  private String name;
  private final List<Node> nodes = new ArrayList<>();
  private final List<ValueInfo> inputs = new ArrayList<>();
  private final List<ValueInfo> outputs = new ArrayList<>();
  private final Map<String, Tensor> initializers = new LinkedHashMap<>();
  private final Map<String, ValueInfo> valueInfo = new LinkedHashMap<>();
  private String docString = "";

  public Graph(String name) {
    this.name = name == null ? "" : name;
  }

  public String name() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  /** Nodes (mutable). */
  public List<Node> nodes() {
    return nodes;
  }

  /** Graph inputs (mutable); may include names that also have initializers (defaults). */
  public List<ValueInfo> inputs() {
    return inputs;
  }

  /** Graph outputs (mutable). */
  public List<ValueInfo> outputs() {
    return outputs;
  }

  /** Constant tensors by name (mutable, in file order). */
  public Map<String, Tensor> initializers() {
    return initializers;
  }

  /** Known types of intermediate values by name (mutable). */
  public Map<String, ValueInfo> valueInfo() {
    return valueInfo;
  }

  public String docString() {
    return docString;
  }

  public void setDocString(String docString) {
    this.docString = docString == null ? "" : docString;
  }

  /**
   * Graph inputs that are not initializers: what a caller must feed. (From IR version 4 on, an
   * initializer listed as an input is a default the caller may override.)
   */
  public List<ValueInfo> runtimeInputs() {
    List<ValueInfo> r = new ArrayList<>();
    for (ValueInfo v : inputs) {
      if (!initializers.containsKey(v.name())) {
        r.add(v);
      }
    }
    return r;
  }

  /** The declared type of a value: graph input/output or value_info, else null. */
  public ValueInfo findValueInfo(String valueName) {
    for (ValueInfo v : inputs) {
      if (v.name().equals(valueName)) {
        return v;
      }
    }
    for (ValueInfo v : outputs) {
      if (v.name().equals(valueName)) {
        return v;
      }
    }
    return valueInfo.get(valueName);
  }

  /**
   * A deep copy: new node, input, output, initializer and value-info containers, nodes copied with
   * {@link Node#deepCopy()} (so subgraphs too). Tensors are shared, not copied: treat tensors of
   * the IR as immutable values and replace them rather than writing into them.
   */
  public Graph deepCopy() {
    Graph g = new Graph(name);
    g.docString = docString;
    for (Node n : nodes) {
      g.nodes.add(n.deepCopy());
    }
    g.inputs.addAll(inputs);
    g.outputs.addAll(outputs);
    g.initializers.putAll(initializers);
    g.valueInfo.putAll(valueInfo);
    return g;
  }

  @Override
  public String toString() {
    return "Graph(" + name + ", " + nodes.size() + " nodes)";
  }
}
