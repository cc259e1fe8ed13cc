package dev.ledge.train.autograd;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.ops.TrainOperators;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends nodes and constants to a graph under fresh, collision-free names. Used by autograd, the
 * losses and the model builder.
 */
public final class GraphBuilder {
  private final Graph graph;
  private final Set<String> used = new HashSet<>();
  private final String prefix;
  private int counter;

  /**
   * @param graph the graph to extend
   * @param prefix prefix of generated names (e.g. {@code "bw"})
   */
  public GraphBuilder(Graph graph, String prefix) {
    this.graph = graph;
    this.prefix = prefix;
    for (ValueInfo v : graph.inputs()) {
      used.add(v.name());
    }
    used.addAll(graph.initializers().keySet());
    for (Node n : graph.nodes()) {
      used.addAll(n.outputs());
      used.add(n.name());
    }
  }

  public Graph graph() {
    return graph;
  }

  /** A fresh name starting with {@code base} (returned as is when unused). */
  public String fresh(String base) {
    String name = base;
    while (name.isEmpty() || used.contains(name)) {
      name = base + "_" + (++counter);
    }
    used.add(name);
    return name;
  }

  /** Marks a name as taken (for names the caller adds itself). */
  public void reserve(String name) {
    used.add(name);
  }

  /** Adds a node of the ONNX domain with one output; returns the output's name. */
  public String onnx(String opType, List<String> inputs, Attribute... attrs) {
    return add(Node.ONNX_DOMAIN, opType, inputs, 1, attrs)[0];
  }

  /** Adds a node of the training domain with one output; returns the output's name. */
  public String train(String opType, List<String> inputs, Attribute... attrs) {
    return add(TrainOperators.DOMAIN, opType, inputs, 1, attrs)[0];
  }

  /**
   * Adds a node with {@code outputs} outputs of which only those with {@code wanted[i]} get names
   * (the rest are empty, i.e. not computed).
   */
  public String[] add(
      String domain, String opType, List<String> inputs, boolean[] wanted, Attribute... attrs) {
    String id = fresh(prefix + "/" + opType);
    String[] outs = new String[wanted.length];
    for (int i = 0; i < outs.length; i++) {
      outs[i] = wanted[i] ? fresh(id + (outs.length == 1 ? "" : ":" + i)) : "";
    }
    Map<String, Attribute> a = new LinkedHashMap<>();
    for (Attribute at : attrs) {
      if (at != null) {
        a.put(at.name(), at);
      }
    }
    graph.nodes().add(new Node(id, opType, domain, inputs, List.of(outs), a));
    return outs;
  }

  /** Adds a node whose every output is named. */
  public String[] add(
      String domain, String opType, List<String> inputs, int outputs, Attribute... attrs) {
    boolean[] all = new boolean[outputs];
    java.util.Arrays.fill(all, true);
    return add(domain, opType, inputs, all, attrs);
  }

  /** Adds an initializer under a fresh name based on {@code base}. */
  public String constant(String base, Tensor value) {
    String name = fresh(base);
    graph.initializers().put(name, value);
    return name;
  }

  /** A scalar constant of a float type. */
  public String scalar(double v, DType type) {
    Tensor t =
        type == DType.FLOAT64
            ? Tensor.wrap(new double[] {v})
            : Tensor.wrap(new float[] {(float) v});
    return constant(prefix + "/const", t);
  }

  /** A 1-D int64 constant. */
  public String longs(long... v) {
    return constant(prefix + "/const", Tensor.ofLongs(v));
  }

  /** Input names as a mutable list (convenience for building). */
  public static List<String> names(String... names) {
    return new ArrayList<>(List.of(names));
  }
}
