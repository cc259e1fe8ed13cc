package dev.ledge.passes;

import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One graph as a pass sees it: who produces and who reads each value, which names must keep their
 * name and value (graph outputs and values read by subgraphs), which values are constant (here or
 * in an enclosing scope) and what is known of their types.
 *
 * <p>The index is built on first use; a pass that rewrites the graph calls {@link #refresh()}
 * before asking again.
 */
public final class GraphScope {
  private final PassContext context;
  private final Graph graph;
  private final GraphScope parent;

  private Map<String, Node> producers;
  private Map<String, List<Node>> users;
  private Set<String> subgraphReads;
  private Set<String> outputs;
  private Set<String> inputs;

  GraphScope(PassContext context, Graph graph, GraphScope parent) {
    this.context = context;
    this.graph = graph;
    this.parent = parent;
  }

  public PassContext context() {
    return context;
  }

  public Graph graph() {
    return graph;
  }

  /** The enclosing graph's scope, or null for the main graph. */
  public GraphScope parent() {
    return parent;
  }

  /** The model's ai.onnx opset version. */
  public long onnxOpset() {
    return context.opsetVersion("");
  }

  /** Drops the index after the graph changed. */
  public void refresh() {
    producers = null;
  }

  private void index() {
    if (producers != null) {
      return;
    }
    producers = new HashMap<>();
    users = new HashMap<>();
    subgraphReads = new HashSet<>();
    for (Node n : graph.nodes()) {
      for (String out : n.outputs()) {
        if (!out.isEmpty()) {
          producers.put(out, n);
        }
      }
      for (String in : n.inputs()) {
        if (!in.isEmpty()) {
          List<Node> u = users.computeIfAbsent(in, k -> new ArrayList<>());
          if (u.isEmpty() || u.getLast() != n) {
            u.add(n);
          }
        }
      }
      subgraphReads.addAll(Graphs.subgraphReads(n));
    }
    outputs = new HashSet<>();
    for (ValueInfo v : graph.outputs()) {
      outputs.add(v.name());
    }
    inputs = new HashSet<>();
    for (ValueInfo v : graph.inputs()) {
      inputs.add(v.name());
    }
  }

  /** The node of this graph producing {@code name}, or null. */
  public Node producer(String name) {
    index();
    return producers.get(name);
  }

  /** Nodes of this graph that read {@code name} as an explicit input (each node once). */
  public List<Node> users(String name) {
    index();
    return users.getOrDefault(name, List.of());
  }

  /** True if {@code name} is an output of this graph. */
  public boolean isGraphOutput(String name) {
    index();
    return outputs.contains(name);
  }

  /** True if {@code name} is a (formal) input of this graph. */
  public boolean isGraphInput(String name) {
    index();
    return inputs.contains(name);
  }

  /**
   * True if {@code name} must keep its name and producer: a graph output, or a value some subgraph
   * of this graph reads by name.
   */
  public boolean isProtected(String name) {
    index();
    return outputs.contains(name) || subgraphReads.contains(name);
  }

  /**
   * True if the only reader of {@code name} is {@code user} (through explicit inputs) and the name
   * is not protected: a rewrite of the two nodes may drop the value.
   */
  public boolean onlyUsedBy(String name, Node user) {
    List<Node> u = users(name);
    return u.size() == 1 && u.getFirst() == user && !isProtected(name);
  }

  /** True if this graph defines {@code name} (input, initializer or node output). */
  public boolean definesLocally(String name) {
    index();
    return producers.containsKey(name)
        || inputs.contains(name)
        || graph.initializers().containsKey(name);
  }

  /**
   * The value of {@code name} if it is a constant: an initializer of this graph or an enclosing one
   * that is not also a graph input (such inputs are defaults a caller may override, except in IR <
   * 4 models: see {@link dev.ledge.graph.ModelDef#initializersOverridable()}). Else null.
   */
  public Tensor constant(String name) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    index();
    boolean inputsOverride = context.model().initializersOverridable();
    if ((inputs.contains(name) && inputsOverride) || producers.containsKey(name)) {
      return null;
    }
    Tensor t = graph.initializers().get(name);
    if (t != null) {
      return t;
    }
    return parent == null ? null : parent.constant(name);
  }

  /**
   * What is known of a value's type: the tensor of a constant, the main graph's inferred types, or
   * what the graph declares (inputs, outputs, value_info); null if nothing.
   */
  public ValueType type(String name) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    Tensor c = constant(name);
    if (c != null) {
      return new ValueType.TensorType(c.dtype(), Shape.of(c.shape()));
    }
    if (!definesLocally(name)) {
      return parent == null ? null : parent.type(name);
    }
    ValueType t = parent == null ? context.mainGraphTypes().get(name) : null;
    ValueInfo declared = graph.findValueInfo(name);
    if (t == null || (t instanceof ValueType.TensorType tt && tt.shape() == null)) {
      if (declared != null && declared.type() != null) {
        return declared.type();
      }
    }
    return t;
  }

  /** The static shape of a tensor value if fully known, else null. */
  public int[] staticShape(String name) {
    if (type(name) instanceof ValueType.TensorType t && t.shape() != null) {
      return t.shape().toIntsOrNull();
    }
    return null;
  }

  /** The element type of a tensor value if known, else null. */
  public dev.ledge.tensor.DType dtype(String name) {
    return type(name) instanceof ValueType.TensorType t ? t.dtype() : null;
  }

  /** The rank of a tensor value if known, else -1. */
  public int rank(String name) {
    return type(name) instanceof ValueType.TensorType t && t.shape() != null
        ? t.shape().rank()
        : -1;
  }

  /**
   * Makes every explicit input of this graph's nodes that reads {@code from} read {@code to}
   * instead. The caller has checked that {@code from} is not protected.
   */
  public void replaceUses(String from, String to) {
    for (Node n : graph.nodes()) {
      List<String> in = n.inputs();
      for (int i = 0; i < in.size(); i++) {
        if (in.get(i).equals(from)) {
          in.set(i, to);
        }
      }
    }
    refresh();
  }

  /** Adds a constant under a fresh name based on {@code base}; returns the name. */
  public String addInitializer(String base, Tensor value) {
    String name = context.freshName(base);
    graph.initializers().put(name, value); // a fresh name: the index stays valid
    return name;
  }

  /** Removes a node from the graph. */
  public void remove(Node n) {
    graph.nodes().remove(n);
    refresh();
  }
}
