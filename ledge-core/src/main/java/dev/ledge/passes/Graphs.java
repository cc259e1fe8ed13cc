package dev.ledge.passes;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Graph queries the passes share. */
final class Graphs {
  private Graphs() {}

  /** The subgraphs held in a node's attributes (If branches, Loop and Scan bodies). */
  static List<Graph> subgraphs(Node n) {
    List<Graph> r = new ArrayList<>();
    for (Attribute a : n.attributes().values()) {
      if (a.type() == Attribute.Type.GRAPH) {
        r.add(a.asGraph());
      } else if (a.type() == Attribute.Type.GRAPHS) {
        r.addAll(a.asGraphs());
      }
    }
    return r;
  }

  /** True if the node has subgraph attributes. */
  static boolean hasSubgraphs(Node n) {
    for (Attribute a : n.attributes().values()) {
      if (a.type() == Attribute.Type.GRAPH || a.type() == Attribute.Type.GRAPHS) {
        return true;
      }
    }
    return false;
  }

  /** Names a node's subgraphs read from enclosing scopes (its implicit inputs). */
  static Set<String> subgraphReads(Node n) {
    Set<String> r = new LinkedHashSet<>();
    for (Graph g : subgraphs(n)) {
      freeNames(g, r);
    }
    return r;
  }

  private static void freeNames(Graph g, Set<String> out) {
    Set<String> defined = new HashSet<>(g.initializers().keySet());
    for (ValueInfo v : g.inputs()) {
      defined.add(v.name());
    }
    for (Node n : g.nodes()) {
      defined.addAll(n.outputs());
    }
    for (Node n : g.nodes()) {
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          out.add(in);
        }
      }
      for (String in : subgraphReads(n)) {
        if (!defined.contains(in)) {
          out.add(in);
        }
      }
    }
    for (ValueInfo v : g.outputs()) {
      if (!defined.contains(v.name())) {
        out.add(v.name());
      }
    }
  }

  /**
   * The graph's nodes in a topological order (file order among ready nodes), counting subgraph
   * reads as inputs; null if the graph has a cycle or a name produced twice (the planner reports
   * those; passes leave such graphs alone).
   */
  static List<Node> topologicalOrder(Graph g) {
    List<Node> nodes = g.nodes();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).outputs()) {
        if (!out.isEmpty() && producer.put(out, i) != null) {
          return null;
        }
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      users.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      Set<String> deps = new LinkedHashSet<>();
      for (String in : n.inputs()) {
        if (!in.isEmpty()) {
          deps.add(in);
        }
      }
      deps.addAll(subgraphReads(n));
      for (String d : deps) {
        Integer p = producer.get(d);
        if (p == null) {
          continue;
        }
        if (p == i) {
          return null;
        }
        users.get(p).add(i);
        pending[i]++;
      }
    }
    ArrayDeque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    java.util.PriorityQueue<Integer> pq = new java.util.PriorityQueue<>(ready);
    List<Node> order = new ArrayList<>(nodes.size());
    while (!pq.isEmpty()) {
      int i = pq.poll();
      order.add(nodes.get(i));
      for (int u : users.get(i)) {
        if (--pending[u] == 0) {
          pq.add(u);
        }
      }
    }
    return order.size() == nodes.size() ? order : null;
  }
}
