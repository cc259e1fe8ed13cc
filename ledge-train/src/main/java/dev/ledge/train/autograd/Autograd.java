package dev.ledge.train.autograd;

import dev.ledge.LedgeException;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.runtime.Model;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.ops.TrainOperators;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation over the IR. Given a model, the values whose gradients
 * start the backward pass (a scalar loss, or any value with an upstream gradient fed at run time)
 * and the values to differentiate with respect to (trainable initializers or graph inputs), it
 * returns one graph that computes the forward values and the gradients. The backward part is made
 * of ordinary nodes: ONNX ops where ONNX has what is needed (Gemm, MatMul, Mul, Transpose ...) and
 * operators of the {@link TrainOperators#DOMAIN} domain otherwise, so the same planner, kernels and
 * memory reuse run training and inference.
 *
 * <p>Nodes are visited in reverse topological order; gradients reaching a value along several paths
 * are summed. Every node on a path from a differentiated value to a seed needs a {@link
 * GradientRule}; a missing one is an {@link UnsupportedOpException} naming the node. Initializers
 * being differentiated become graph inputs (keeping their value as default), so the runtime never
 * folds them and the caller can feed updated values every step.
 */
public final class Autograd {
  private Autograd() {}

  /**
   * The gradients of a scalar {@code loss} with respect to {@code wrt}, with the standard rules.
   */
  public static GradientGraph differentiate(ModelDef model, String loss, Collection<String> wrt) {
    Map<String, String> seeds = new LinkedHashMap<>();
    seeds.put(loss, null);
    return differentiate(model, seeds, wrt, GradientRules.standard());
  }

  /**
   * The general form.
   *
   * @param model the forward model (not modified)
   * @param seeds values where the backward pass starts: value name → name of a new graph input
   *     carrying its upstream gradient (same type and shape as the value), or null for a scalar
   *     value whose gradient is 1
   * @param wrt values to differentiate with respect to
   * @param rules the gradient rules
   */
  public static GradientGraph differentiate(
      ModelDef model, Map<String, String> seeds, Collection<String> wrt, GradientRules rules) {
    Graph src = model.graph();
    Graph g = copy(src);
    ModelDef out = copyMeta(model, g);
    GraphBuilder b = new GraphBuilder(g, "bw");
    Set<String> wrtSet = new LinkedHashSet<>(wrt);

    // Differentiated initializers become overridable inputs.
    Set<String> inputs = new HashSet<>();
    for (ValueInfo v : g.inputs()) {
      inputs.add(v.name());
    }
    for (String w : wrtSet) {
      Tensor init = g.initializers().get(w);
      if (init == null && !inputs.contains(w) && !producedBy(g, w)) {
        throw new LedgeException("cannot differentiate with respect to '" + w + "': no such value");
      }
      if (init != null && !inputs.contains(w)) {
        g.inputs().add(new ValueInfo(w, ValueType.tensor(init.dtype(), Shape.of(init.shape()))));
        inputs.add(w);
      }
    }
    Map<String, ValueType> types = Model.of(out, TrainOperators.registry()).inferredTypes();

    // Seeds.
    Map<String, List<String>> grads = new HashMap<>();
    List<String> seedInputs = new ArrayList<>();
    for (Map.Entry<String, String> e : seeds.entrySet()) {
      String value = e.getKey();
      if (!(types.get(value) instanceof ValueType.TensorType tt) || tt.dtype() == null) {
        throw new LedgeException("seed '" + value + "' is not a tensor value of the graph");
      }
      if (!tt.dtype().isFloatingPoint()) {
        throw new LedgeException("seed '" + value + "' is " + tt.dtype() + ", not a float");
      }
      String seed;
      if (e.getValue() == null) {
        int[] dims = tt.shape() == null ? null : tt.shape().toIntsOrNull();
        if (dims == null || dev.ledge.tensor.Shapes.size(dims) != 1) {
          throw new LedgeException(
              "'" + value + "' has shape " + tt.shape() + "; a seed of 1 needs a scalar");
        }
        Tensor one = Tensor.allocate(tt.dtype(), dims);
        one.setDouble(0, 1);
        seed = b.constant("bw/seed", one);
      } else {
        seed = e.getValue();
        b.reserve(seed);
        g.inputs().add(new ValueInfo(seed, tt));
        seedInputs.add(seed);
      }
      grads.computeIfAbsent(value, k -> new ArrayList<>()).add(seed);
    }

    List<Node> order = topologicalOrder(src.nodes());
    Set<String> needsGrad = forwardReach(order, wrtSet, types);
    Set<String> reachesSeed = backwardReach(order, seeds.keySet());

    for (int idx = order.size() - 1; idx >= 0; idx--) {
      Node n = order.get(idx);
      String[] outGrads = new String[n.outputs().size()];
      boolean any = false;
      for (int i = 0; i < outGrads.length; i++) {
        List<String> c = grads.get(n.outputs().get(i));
        if (c != null && !n.outputs().get(i).isEmpty()) {
          outGrads[i] = sum(b, c);
          any = true;
        }
      }
      if (!any) {
        continue;
      }
      boolean[] needs = new boolean[n.inputs().size()];
      boolean anyNeed = false;
      for (int i = 0; i < needs.length; i++) {
        String in = n.inputs().get(i);
        needs[i] = !in.isEmpty() && needsGrad.contains(in) && reachesSeed.contains(in);
        anyNeed |= needs[i];
      }
      if (!anyNeed) {
        continue;
      }
      GradientRule rule = rules.find(n.domain(), n.opType());
      if (rule == null) {
        throw new UnsupportedOpException(
            n.describe()
                + ": no gradient rule for "
                + (n.domain().isEmpty() ? "" : n.domain() + ".")
                + n.opType()
                + " (it lies between a trained value and the loss)");
      }
      GradContext ctx =
          new GradContext(n, model.opsetVersion(n.domain()), outGrads, needs, types, b);
      rule.backward(ctx);
      String[] ig = ctx.inputGrads();
      for (int i = 0; i < needs.length; i++) {
        if (!needs[i]) {
          continue;
        }
        if (ig[i] == null) {
          throw new IllegalStateException(
              "gradient rule of " + n.opType() + " gave no gradient for input " + i);
        }
        grads.computeIfAbsent(n.inputs().get(i), k -> new ArrayList<>()).add(ig[i]);
      }
    }

    Map<String, String> result = new LinkedHashMap<>();
    for (String w : wrtSet) {
      List<String> c = grads.get(w);
      String gsum = c == null ? b.train("ZerosLike", List.of(w)) : sum(b, c);
      String name = b.fresh("grad/" + w);
      g.nodes()
          .add(
              new Node(name, "Identity", Node.ONNX_DOMAIN, List.of(gsum), List.of(name), Map.of()));
      g.outputs().add(new ValueInfo(name, types.get(w)));
      result.put(w, name);
    }
    return new GradientGraph(out, result, seedInputs);
  }

  /** The sum of gradient contributions (a single one is returned as is). */
  private static String sum(GraphBuilder b, List<String> contributions) {
    if (contributions.size() > 1) {
      String s =
          contributions.size() == 2
              ? b.onnx("Add", List.copyOf(contributions))
              : b.onnx("Sum", List.copyOf(contributions));
      contributions.clear();
      contributions.add(s);
    }
    return contributions.getFirst();
  }

  /** Values that depend on a differentiated value through float outputs. */
  private static Set<String> forwardReach(
      List<Node> order, Set<String> wrt, Map<String, ValueType> types) {
    Set<String> r = new HashSet<>(wrt);
    for (Node n : order) {
      boolean touched = false;
      for (String in : n.inputs()) {
        touched |= !in.isEmpty() && r.contains(in);
      }
      if (touched) {
        for (String o : n.outputs()) {
          if (!o.isEmpty()
              && types.get(o) instanceof ValueType.TensorType t
              && t.dtype() != null
              && t.dtype().isFloatingPoint()) {
            r.add(o);
          }
        }
      }
    }
    return r;
  }

  /** Values from which a seed can be reached. */
  private static Set<String> backwardReach(List<Node> order, Set<String> seeds) {
    Set<String> r = new HashSet<>(seeds);
    for (int i = order.size() - 1; i >= 0; i--) {
      Node n = order.get(i);
      boolean touched = false;
      for (String o : n.outputs()) {
        touched |= !o.isEmpty() && r.contains(o);
      }
      if (touched) {
        for (String in : n.inputs()) {
          if (!in.isEmpty()) {
            r.add(in);
          }
        }
      }
    }
    return r;
  }

  /** Nodes in dependency order (file order among ready nodes); throws on cycles. */
  public static List<Node> topologicalOrder(List<Node> nodes) {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String o : nodes.get(i).outputs()) {
        if (!o.isEmpty()) {
          producer.put(o, i);
        }
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      users.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      Set<Integer> deps = new HashSet<>();
      for (String in : nodes.get(i).inputs()) {
        Integer p = in.isEmpty() ? null : producer.get(in);
        if (p != null && p != i && deps.add(p)) {
          users.get(p).add(i);
          pending[i]++;
        }
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<Node> order = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      for (int u : users.get(i)) {
        if (--pending[u] == 0) {
          ready.add(u);
        }
      }
    }
    if (order.size() != nodes.size()) {
      throw new dev.ledge.graph.GraphException("the graph has a cycle");
    }
    return order;
  }

  private static boolean producedBy(Graph g, String value) {
    for (Node n : g.nodes()) {
      if (n.outputs().contains(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A copy of a graph whose node list, nodes, inputs, outputs, initializer map and value infos can
   * change without touching the original (tensors and attribute values are shared).
   */
  public static Graph copy(Graph src) {
    Graph g = new Graph(src.name());
    g.setDocString(src.docString());
    for (Node n : src.nodes()) {
      g.nodes().add(n.copy());
    }
    g.inputs().addAll(src.inputs());
    g.outputs().addAll(src.outputs());
    g.initializers().putAll(src.initializers());
    g.valueInfo().putAll(src.valueInfo());
    return g;
  }

  /** A model with {@code m}'s metadata, the given graph, and the training domain imported. */
  public static ModelDef copyMeta(ModelDef m, Graph g) {
    ModelDef out = new ModelDef(g);
    out.setIrVersion(m.irVersion());
    out.opsetImports().putAll(m.opsetImports());
    out.opsetImports().put(TrainOperators.DOMAIN, TrainOperators.VERSION);
    out.setProducerName(m.producerName());
    out.setProducerVersion(m.producerVersion());
    out.setDomain(m.domain());
    out.setModelVersion(m.modelVersion());
    out.setDocString(m.docString());
    out.metadata().putAll(m.metadata());
    out.functions().addAll(m.functions());
    return out;
  }
}
