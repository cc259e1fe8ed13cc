package dev.ledge.graph;

import java.util.List;
import java.util.Map;

/**
 * A model-local function: an operator defined by a body of nodes over formal inputs, outputs and
 * attributes. Ledge expands calls to it inline at load time.
 *
 * @param domain the function's domain (callers use it as the node domain)
 * @param name the function's name (callers use it as the op type)
 * @param inputs formal input names
 * @param outputs formal output names
 * @param attributes formal attribute names
 * @param defaults default attribute values, by name
 * @param nodes the body
 * @param opsetImports operator sets the body uses
 */
public record FunctionDef(
    String domain,
    String name,
    List<String> inputs,
    List<String> outputs,
    List<String> attributes,
    Map<String, Attribute> defaults,
    List<Node> nodes,
    Map<String, Long> opsetImports) {
  public FunctionDef {
    domain = Node.normalizeDomain(domain);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    attributes = List.copyOf(attributes);
    defaults = Map.copyOf(defaults);
    nodes = List.copyOf(nodes);
    opsetImports = Map.copyOf(opsetImports);
  }
}
