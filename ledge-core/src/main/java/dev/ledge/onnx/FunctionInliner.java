package dev.ledge.onnx;

import dev.ledge.graph.Node;
import dev.ledge.onnx.proto.OnnxProtos.AttributeProto;
import dev.ledge.onnx.proto.OnnxProtos.FunctionProto;
import dev.ledge.onnx.proto.OnnxProtos.GraphProto;
import dev.ledge.onnx.proto.OnnxProtos.NodeProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands calls to model-local functions into their bodies, so the rest of Ledge only sees standard
 * operators. Internal values get unique names; attribute references take the caller's attribute or
 * the function's default.
 */
final class FunctionInliner {
  private static final int MAX_DEPTH = 32;

  private final Map<String, FunctionProto> functions;
  private int counter;

  FunctionInliner(Map<String, FunctionProto> functions, Map<String, Long> opsets) {
    this.functions = functions;
  }

  GraphProto inline(GraphProto g) {
    return inlineGraph(g, 0);
  }

  private GraphProto inlineGraph(GraphProto g, int depth) {
    GraphProto.Builder b = g.toBuilder().clearNode();
    for (NodeProto n : g.getNodeList()) {
      expand(n, b, depth);
    }
    return b.build();
  }

  private void expand(NodeProto n, GraphProto.Builder out, int depth) {
    FunctionProto f = functions.get(Node.normalizeDomain(n.getDomain()) + "::" + n.getOpType());
    if (f == null) {
      out.addNode(withInlinedSubgraphs(n, depth));
      return;
    }
    if (depth >= MAX_DEPTH) {
      throw new ModelFormatException(
          "function " + f.getName() + " calls itself (or nests deeper than " + MAX_DEPTH + ")");
    }
    String prefix = "__" + f.getName() + "_" + (counter++) + "_";
    Map<String, String> rename = new HashMap<>();
    for (int i = 0; i < f.getInputCount(); i++) {
      rename.put(f.getInput(i), i < n.getInputCount() ? n.getInput(i) : "");
    }
    for (int i = 0; i < f.getOutputCount(); i++) {
      rename.put(f.getOutput(i), i < n.getOutputCount() ? n.getOutput(i) : "");
    }
    Map<String, AttributeProto> given = new HashMap<>();
    for (AttributeProto a : f.getAttributeProtoList()) {
      given.put(a.getName(), a);
    }
    for (AttributeProto a : n.getAttributeList()) {
      given.put(a.getName(), a);
    }
    GraphProto.Builder body = GraphProto.newBuilder();
    for (NodeProto inner : f.getNodeList()) {
      NodeProto.Builder nb = inner.toBuilder().clearInput().clearOutput().clearAttribute();
      for (String in : inner.getInputList()) {
        nb.addInput(in.isEmpty() ? "" : rename.getOrDefault(in, prefix + in));
      }
      for (String o : inner.getOutputList()) {
        nb.addOutput(o.isEmpty() ? "" : rename.computeIfAbsent(o, k -> prefix + k));
      }
      for (AttributeProto a : inner.getAttributeList()) {
        if (a.getRefAttrName().isEmpty()) {
          nb.addAttribute(a);
        } else {
          AttributeProto ref = given.get(a.getRefAttrName());
          if (ref != null) {
            nb.addAttribute(ref.toBuilder().setName(a.getName()).build());
          }
        }
      }
      if (!inner.getName().isEmpty()) {
        nb.setName(prefix + inner.getName());
      }
      body.addNode(nb.build());
    }
    for (NodeProto inner : body.getNodeList()) {
      expand(inner, out, depth + 1);
    }
  }

  private NodeProto withInlinedSubgraphs(NodeProto n, int depth) {
    boolean hasGraph = false;
    for (AttributeProto a : n.getAttributeList()) {
      hasGraph |= a.hasG() || a.getGraphsCount() > 0;
    }
    if (!hasGraph) {
      return n;
    }
    NodeProto.Builder b = n.toBuilder().clearAttribute();
    for (AttributeProto a : n.getAttributeList()) {
      AttributeProto.Builder ab = a.toBuilder();
      if (a.hasG()) {
        ab.setG(inlineGraph(a.getG(), depth + 1));
      }
      List<GraphProto> gs = a.getGraphsList();
      if (!gs.isEmpty()) {
        ab.clearGraphs();
        for (GraphProto g : gs) {
          ab.addGraphs(inlineGraph(g, depth + 1));
        }
      }
      b.addAttribute(ab.build());
    }
    return b.build();
  }
}
