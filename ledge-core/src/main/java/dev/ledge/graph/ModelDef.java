package dev.ledge.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole model in Ledge's IR: the main graph plus the metadata an ONNX file carries (IR version,
 * operator set imports, producer, metadata properties) and model-local functions.
 */
public final class ModelDef {
  private long irVersion = 10;
  private final Map<String, Long> opsetImports = new LinkedHashMap<>();
  private String producerName = "";
  private String producerVersion = "";
  private String domain = "";
  private long modelVersion;
  private String docString = "";
  private Graph graph;
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final List<FunctionDef> functions = new ArrayList<>();

  public ModelDef(Graph graph) {
    this.graph = graph;
  }

  public long irVersion() {
    return irVersion;
  }

  public void setIrVersion(long v) {
    irVersion = v;
  }

  /**
   * True if a graph input that has an initializer is a default callers may override (IR version 4
   * and later). Before IR version 4 every initializer had to be listed as a graph input, so there
   * the listing says nothing and initializers are constants (as ONNX Runtime treats them).
   */
  public boolean initializersOverridable() {
    return irVersion >= 4;
  }

  /** Operator set versions by domain ("" is the default ONNX domain). Mutable. */
  public Map<String, Long> opsetImports() {
    return opsetImports;
  }

  /** The imported version of a domain, or -1. */
  public long opsetVersion(String domain) {
    return opsetImports.getOrDefault(Node.normalizeDomain(domain), -1L);
  }

  public String producerName() {
    return producerName;
  }

  public void setProducerName(String v) {
    producerName = v == null ? "" : v;
  }

  public String producerVersion() {
    return producerVersion;
  }

  public void setProducerVersion(String v) {
    producerVersion = v == null ? "" : v;
  }

  public String domain() {
    return domain;
  }

  public void setDomain(String v) {
    domain = v == null ? "" : v;
  }

  public long modelVersion() {
    return modelVersion;
  }

  public void setModelVersion(long v) {
    modelVersion = v;
  }

  public String docString() {
    return docString;
  }

  public void setDocString(String v) {
    docString = v == null ? "" : v;
  }

  public Graph graph() {
    return graph;
  }

  public void setGraph(Graph g) {
    graph = g;
  }

  /** Metadata properties (mutable, in file order). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * A deep copy that a pass may rewrite without touching this model: graphs and nodes are copied
   * (see {@link Graph#deepCopy()}), tensors are shared.
   */
  public ModelDef deepCopy() {
    ModelDef m = new ModelDef(graph == null ? null : graph.deepCopy());
    m.irVersion = irVersion;
    m.opsetImports.putAll(opsetImports);
    m.producerName = producerName;
    m.producerVersion = producerVersion;
    m.domain = domain;
    m.modelVersion = modelVersion;
    m.docString = docString;
    m.metadata.putAll(metadata);
    for (FunctionDef f : functions) {
      List<Node> body = new ArrayList<>();
      for (Node n : f.nodes()) {
        body.add(n.deepCopy());
      }
      m.functions.add(
          new FunctionDef(
              f.domain(),
              f.name(),
              f.inputs(),
              f.outputs(),
              f.attributes(),
              f.defaults(),
              body,
              f.opsetImports()));
    }
    return m;
  }

  /** Model-local functions (mutable). */
  public List<FunctionDef> functions() {
    return functions;
  }
}
