package dev.ledge.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operator application: inputs and outputs are value names; an empty input name marks an
 * omitted optional input. Mutable so that passes can rewrite graphs in place or copy them.
 */
public final class Node {
  /** The default ONNX operator domain. */
  public static final String ONNX_DOMAIN = "";

  private String name;
  private final String opType;
  private final String domain;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Map<String, Attribute> attributes;
  private String docString = "";

  public Node(
      String name,
      String opType,
      String domain,
      List<String> inputs,
      List<String> outputs,
      Map<String, Attribute> attributes) {
    this.name = name == null ? "" : name;
    this.opType = Objects.requireNonNull(opType, "opType");
    this.domain = normalizeDomain(domain);
    this.inputs = new ArrayList<>(inputs);
    this.outputs = new ArrayList<>(outputs);
    this.attributes = new LinkedHashMap<>(attributes);
  }

  /** "" and "ai.onnx" both name the default domain; Ledge stores it as "". */
  public static String normalizeDomain(String domain) {
    return domain == null || domain.equals("ai.onnx") ? ONNX_DOMAIN : domain;
  }

  public String name() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String opType() {
    return opType;
  }

  public String domain() {
    return domain;
  }

  /** Input names (mutable list); "" for an omitted optional input. */
  public List<String> inputs() {
    return inputs;
  }

  /** Output names (mutable list); "" for an unused optional output. */
  public List<String> outputs() {
    return outputs;
  }

  /** Attributes by name (mutable, in file order). */
  public Map<String, Attribute> attributes() {
    return attributes;
  }

  public Attribute attribute(String name) {
    return attributes.get(name);
  }

  public String docString() {
    return docString;
  }

  public void setDocString(String docString) {
    this.docString = docString == null ? "" : docString;
  }

  /** The input name at {@code i}, or "" if absent. */
  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  /** A readable identity for messages: {@code Conv node 'conv1'} or {@code Conv node #3}. */
  public String describe() {
    String id =
        name.isEmpty()
            ? "(unnamed, output '" + (outputs.isEmpty() ? "" : outputs.getFirst()) + "')"
            : "'" + name + "'";
    return (domain.isEmpty() ? "" : domain + ".") + opType + " node " + id;
  }

  /** A shallow copy (same attribute values, new lists). */
  public Node copy() {
    Node n = new Node(name, opType, domain, inputs, outputs, attributes);
    n.docString = docString;
    return n;
  }

  /**
   * A deep copy: new lists and attribute map, and subgraph attributes (GRAPH, GRAPHS) copied
   * recursively. Tensor attribute values are shared: treat tensors of the IR as immutable.
   */
  public Node deepCopy() {
    Node n = copy();
    for (Map.Entry<String, Attribute> e : n.attributes.entrySet()) {
      Attribute a = e.getValue();
      if (a.type() == Attribute.Type.GRAPH) {
        e.setValue(Attribute.of(a.name(), a.asGraph().deepCopy()));
      } else if (a.type() == Attribute.Type.GRAPHS) {
        List<Graph> graphs = new ArrayList<>();
        for (Graph g : a.asGraphs()) {
          graphs.add(g.deepCopy());
        }
        e.setValue(new Attribute(a.name(), Attribute.Type.GRAPHS, List.copyOf(graphs)));
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return describe() + " " + inputs + " -> " + outputs;
  }
}
