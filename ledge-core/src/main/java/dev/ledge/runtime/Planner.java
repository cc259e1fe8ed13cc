package dev.ledge.runtime;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.GraphException;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.ExecContext;
import dev.ledge.ops.Kernel;
import dev.ledge.ops.OpContext;
import dev.ledge.ops.OpException;
import dev.ledge.ops.Operator;
import dev.ledge.ops.OperatorRegistry;
import dev.ledge.ops.Subgraph;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a {@link Graph} into a {@link Plan}: checks names, orders nodes topologically, infers
 * types by preparing every node's operator, and folds nodes whose inputs are all constant.
 * Subgraphs get a planner of their own whose parent resolves names of enclosing graphs.
 */
final class Planner {
  /** Ops whose result is not a function of their inputs: never folded. */
  private static final Set<String> NOT_FOLDABLE =
      Set.of(
          "RandomNormal",
          "RandomNormalLike",
          "RandomUniform",
          "RandomUniformLike",
          "Bernoulli",
          "Multinomial",
          "If",
          "Loop",
          "Scan");

  private final OperatorRegistry registry;
  private final Map<String, Long> opsets;
  private final SessionOptions options;
  private final Planner parent;

  /**
   * True from IR version 4 on: an initializer that is also a graph input is a default the caller
   * may override (so it is not folded). Before IR 4 every initializer had to be listed as an input,
   * and such inputs are weights (ONNX Runtime treats them the same way).
   */
  private final boolean overridableInitializers;

  private final Map<String, Integer> slotOf = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private final List<ValueType> types = new ArrayList<>();
  private final List<Object> constants = new ArrayList<>();
  private final List<Plan.Capture> captures = new ArrayList<>();

  Planner(
      OperatorRegistry registry,
      Map<String, Long> opsets,
      SessionOptions options,
      Planner parent,
      boolean overridableInitializers) {
    this.registry = registry;
    this.opsets = opsets;
    this.options = options;
    this.parent = parent;
    this.overridableInitializers = overridableInitializers;
  }

  /**
   * Plans a graph.
   *
   * @param graph the graph
   * @param formalInputTypes for subgraphs: the types the owning op passes for the graph inputs
   *     (used where the subgraph does not declare them); null for a main graph
   */
  Plan plan(Graph graph, List<ValueType> formalInputTypes) {
    // 1. Graph inputs and initializers.
    List<ValueInfo> graphInputs = graph.inputs();
    List<Integer> inputSlots = new ArrayList<>();
    List<String> inputNames = new ArrayList<>();
    List<Boolean> optional = new ArrayList<>();
    for (int i = 0; i < graphInputs.size(); i++) {
      ValueInfo vi = graphInputs.get(i);
      if (vi.name().isEmpty()) {
        throw new GraphException("graph '" + graph.name() + "' input " + i + " has no name");
      }
      if (slotOf.containsKey(vi.name())) {
        throw new GraphException(
            "graph '" + graph.name() + "' declares input '" + vi.name() + "' twice");
      }
      ValueType t = vi.type();
      if (formalInputTypes != null && i < formalInputTypes.size()) {
        t = merge(t, formalInputTypes.get(i));
      }
      Tensor init = graph.initializers().get(vi.name());
      if (init != null && !overridableInitializers) {
        continue; // IR < 4: initializers had to be listed as inputs; they are constants
      }
      if (t == null && init == null) {
        throw new GraphException(
            "graph '" + graph.name() + "' input '" + vi.name() + "' has no type");
      }
      int slot = newSlot(vi.name(), t != null ? t : typeOf(init), null);
      inputSlots.add(slot);
      inputNames.add(vi.name());
      optional.add(init != null);
      if (init != null && formalInputTypes == null) {
        // A default that callers may override: not a constant for folding.
        defaults.put(slot, init);
      }
    }
    for (Map.Entry<String, Tensor> e : graph.initializers().entrySet()) {
      if (!slotOf.containsKey(e.getKey())) {
        newSlot(e.getKey(), typeOf(e.getValue()), e.getValue());
      }
    }

    // 2. Definitions and topological order.
    Map<String, Node> producer = new HashMap<>();
    for (Node n : graph.nodes()) {
      for (String out : n.outputs()) {
        if (out.isEmpty()) {
          continue;
        }
        if (slotOf.containsKey(out)) {
          throw new GraphException(
              n.describe()
                  + " writes '"
                  + out
                  + "', which is already a graph input or initializer");
        }
        Node prev = producer.put(out, n);
        if (prev != null) {
          throw new GraphException(
              "value '"
                  + out
                  + "' is produced twice: by "
                  + prev.describe()
                  + " and by "
                  + n.describe());
        }
      }
    }
    List<Node> order = topologicalOrder(graph, producer);

    // 3. Prepare every node in order.
    List<Step> steps = new ArrayList<>();
    for (Node n : order) {
      int[] in = new int[n.inputs().size()];
      for (int i = 0; i < in.length; i++) {
        String name = n.inputs().get(i);
        in[i] = name.isEmpty() ? -1 : resolve(name);
        if (in[i] < 0 && !name.isEmpty()) {
          throw new GraphException(
              n.describe()
                  + " input "
                  + i
                  + " '"
                  + name
                  + "' is not produced by any node, graph input or initializer");
        }
      }
      PrepareContext ctx = new PrepareContext(n, in);
      Kernel kernel = prepare(n, ctx);
      int[] out = new int[n.outputs().size()];
      for (int i = 0; i < out.length; i++) {
        String name = n.outputs().get(i);
        if (name.isEmpty()) {
          out[i] = -1;
          continue;
        }
        ValueType t = ctx.outputTypes[i];
        ValueInfo declared = graph.findValueInfo(name);
        if (declared != null && declared.type() != null) {
          t = merge(t, declared.type());
        }
        out[i] = newSlot(name, t, ctx.outputConstants[i]);
      }
      Step step = new Step(n, kernel, in, out, ctx.inPlace);
      if (!tryFold(step, ctx)) {
        steps.add(step);
      }
    }

    // 4. Outputs.
    List<Integer> outputSlots = new ArrayList<>();
    List<String> outputNames = new ArrayList<>();
    for (ValueInfo vi : graph.outputs()) {
      int slot = resolve(vi.name());
      if (slot < 0) {
        throw new GraphException(
            "graph '"
                + graph.name()
                + "' output '"
                + vi.name()
                + "' is not produced by any node, graph input or initializer");
      }
      if (vi.type() != null) {
        types.set(slot, merge(types.get(slot), vi.type()));
      }
      outputSlots.add(slot);
      outputNames.add(vi.name());
    }
    boolean[] fresh = new boolean[names.size()];
    for (int s : outputSlots) {
      fresh[s] = true;
    }
    Object[] consts = constants.toArray();
    for (Map.Entry<Integer, Tensor> d : defaults.entrySet()) {
      consts[d.getKey()] = null; // overridable defaults are fed per run
    }
    int[] lastUse = lastUse(steps, outputSlots);
    return new Plan(
        names.size(),
        names.toArray(String[]::new),
        types.toArray(ValueType[]::new),
        consts,
        steps.toArray(Step[]::new),
        inputSlots.stream().mapToInt(Integer::intValue).toArray(),
        inputNames.toArray(String[]::new),
        toBooleans(optional),
        outputSlots.stream().mapToInt(Integer::intValue).toArray(),
        outputNames.toArray(String[]::new),
        fresh,
        List.copyOf(captures),
        Map.copyOf(defaults),
        lastUse,
        releases(steps.size(), lastUse));
  }

  /**
   * Per slot, the last step that reads it: inputs, and for steps that run subgraphs the values
   * those capture from this graph. A produced value nothing reads ends at its producer; graph
   * outputs live to the end ({@code steps.size()}).
   */
  private int[] lastUse(List<Step> steps, List<Integer> outputSlots) {
    int[] last = new int[names.size()];
    Arrays.fill(last, -1);
    for (int j = 0; j < steps.size(); j++) {
      Step step = steps.get(j);
      for (int s : step.out()) {
        if (s >= 0) {
          last[s] = j;
        }
      }
      for (int s : step.in()) {
        if (s >= 0) {
          last[s] = j;
        }
      }
      for (String name : implicitInputs(step.node())) {
        Integer s = slotOf.get(name); // subgraph planners already resolved what they capture
        if (s != null) {
          last[s] = j;
        }
      }
    }
    for (int s : outputSlots) {
      last[s] = steps.size();
    }
    return last;
  }

  /** Per step, the slots whose last use it is. */
  private static int[][] releases(int stepCount, int[] lastUse) {
    int[] counts = new int[stepCount];
    for (int j : lastUse) {
      if (j >= 0 && j < stepCount) {
        counts[j]++;
      }
    }
    int[][] r = new int[stepCount][];
    for (int j = 0; j < stepCount; j++) {
      r[j] = new int[counts[j]];
      counts[j] = 0;
    }
    for (int s = 0; s < lastUse.length; s++) {
      int j = lastUse[s];
      if (j >= 0 && j < stepCount) {
        r[j][counts[j]++] = s;
      }
    }
    return r;
  }

  private final Map<Integer, Tensor> defaults = new HashMap<>();

  private static boolean[] toBooleans(List<Boolean> list) {
    boolean[] r = new boolean[list.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = list.get(i);
    }
    return r;
  }

  private Kernel prepare(Node n, PrepareContext ctx) {
    Long version = opsets.get(n.domain());
    if (version == null) {
      throw new GraphException(
          n.describe()
              + " uses domain '"
              + (n.domain().isEmpty() ? "ai.onnx" : n.domain())
              + "', which the model does not import");
    }
    Operator op = registry.find(n.domain(), n.opType());
    if (op == null) {
      throw new UnsupportedOpException(
          n.describe()
              + ": operator "
              + (n.domain().isEmpty() ? "" : n.domain() + ".")
              + n.opType()
              + " (opset "
              + version
              + ") is not implemented by Ledge");
    }
    try {
      Kernel k = op.prepare(ctx);
      if (k == null) {
        throw new IllegalStateException("prepare returned no kernel");
      }
      return k;
    } catch (OpException e) {
      if (parent == null) {
        throw e;
      }
      // A subgraph (an If branch, a Loop body) may never run, or only with shapes other than
      // the static ones seen here: report its node's error if and when the node executes.
      java.util.Arrays.fill(ctx.outputTypes, null);
      java.util.Arrays.fill(ctx.outputConstants, null);
      return exec -> {
        throw e;
      };
    } catch (LedgeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new OpException(n.describe() + ": internal error while preparing: " + e, e);
    }
  }

  /** Runs a node now if every input is constant; its outputs become constants. */
  private boolean tryFold(Step step, PrepareContext ctx) {
    if (options.optimizationLevel() == SessionOptions.OptimizationLevel.NONE
        || NOT_FOLDABLE.contains(step.node().opType())
        || !step.node().domain().isEmpty()) {
      return allOutputsConstant(step);
    }
    for (int s : step.in()) {
      if (s >= 0 && constants.get(s) == null) {
        return allOutputsConstant(step);
      }
    }
    if (allOutputsConstant(step)) {
      return true;
    }
    Object[] values = constants.toArray();
    Executor.runStep(step, values);
    for (int s : step.out()) {
      if (s >= 0) {
        if (values[s] == null) {
          return false;
        }
        constants.set(s, values[s]);
      }
    }
    return true;
  }

  private boolean allOutputsConstant(Step step) {
    for (int s : step.out()) {
      if (s >= 0 && constants.get(s) == null) {
        return false;
      }
    }
    return true;
  }

  private int newSlot(String name, ValueType type, Object constant) {
    int slot = names.size();
    names.add(name);
    types.add(type);
    constants.add(constant);
    slotOf.put(name, slot);
    return slot;
  }

  /** Local slot of a name, capturing it from enclosing graphs if needed; -1 if unknown. */
  private int resolve(String name) {
    Integer s = slotOf.get(name);
    if (s != null) {
      return s;
    }
    if (parent == null) {
      return -1;
    }
    int outer = parent.resolve(name);
    if (outer < 0) {
      return -1;
    }
    Object c = parent.constants.get(outer);
    int local = newSlot(name, parent.types.get(outer), c);
    if (c == null) {
      captures.add(new Plan.Capture(local, outer));
    }
    return local;
  }

  private List<Node> topologicalOrder(Graph graph, Map<String, Node> producer) {
    List<Node> nodes = graph.nodes();
    Map<Node, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i), i);
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
      deps.addAll(implicitInputs(n));
      for (String d : deps) {
        Node p = producer.get(d);
        if (p == null) {
          continue; // a graph input, initializer or outer-scope value (checked when prepared)
        }
        int pi = index.get(p);
        if (pi == i) {
          throw new GraphException(n.describe() + " reads its own output '" + d + "'");
        }
        users.get(pi).add(i);
        pending[i]++;
      }
    }
    ArrayDeque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<Node> order = new ArrayList<>(nodes.size());
    // Stable: among ready nodes, keep file order (a priority queue would also do; this is simpler).
    java.util.PriorityQueue<Integer> pq = new java.util.PriorityQueue<>(ready);
    while (!pq.isEmpty()) {
      int i = pq.poll();
      order.add(nodes.get(i));
      for (int u : users.get(i)) {
        if (--pending[u] == 0) {
          pq.add(u);
        }
      }
    }
    if (order.size() != nodes.size()) {
      List<String> stuck = new ArrayList<>();
      for (int i = 0; i < nodes.size() && stuck.size() < 5; i++) {
        if (pending[i] > 0) {
          stuck.add(nodes.get(i).describe());
        }
      }
      throw new GraphException(
          "graph '" + graph.name() + "' has a cycle; nodes that can never run include " + stuck);
    }
    return order;
  }

  /** Names a node's subgraphs read from enclosing scopes. */
  static Set<String> implicitInputs(Node n) {
    Set<String> r = new LinkedHashSet<>();
    for (Attribute a : n.attributes().values()) {
      if (a.type() == Attribute.Type.GRAPH) {
        freeNames(a.asGraph(), r);
      } else if (a.type() == Attribute.Type.GRAPHS) {
        for (Graph g : a.asGraphs()) {
          freeNames(g, r);
        }
      }
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
      for (String in : implicitInputs(n)) {
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

  static ValueType typeOf(Object value) {
    if (value instanceof Tensor t) {
      return new ValueType.TensorType(t.dtype(), Shape.of(t.shape()));
    }
    return null;
  }

  /** Combines what inference found with what the model declares: known facts win. */
  static ValueType merge(ValueType inferred, ValueType declared) {
    if (inferred == null) {
      return declared;
    }
    if (declared == null) {
      return inferred;
    }
    if (inferred instanceof ValueType.TensorType a && declared instanceof ValueType.TensorType b) {
      DType dt = a.dtype() != null ? a.dtype() : b.dtype();
      Shape s = a.shape();
      if (s == null) {
        s = b.shape();
      } else if (b.shape() != null && b.shape().rank() == s.rank()) {
        List<dev.ledge.graph.Dim> dims = new ArrayList<>(s.dims());
        for (int i = 0; i < dims.size(); i++) {
          if (!dims.get(i).isKnown() && b.shape().dim(i).isKnown()) {
            dims.set(i, b.shape().dim(i));
          } else if (!dims.get(i).isKnown() && dims.get(i).symbol() == null) {
            dims.set(i, b.shape().dim(i));
          }
        }
        s = new Shape(dims);
      }
      return new ValueType.TensorType(dt, s);
    }
    return inferred;
  }

  /** The {@link OpContext} of one node being prepared. */
  private final class PrepareContext implements OpContext {
    private final Node node;
    private final int[] in;
    final ValueType[] outputTypes;
    final Tensor[] outputConstants;

    /** Per output, inputs it may be computed in place of ({@link #allowInPlace}); or null. */
    long[] inPlace;

    PrepareContext(Node node, int[] in) {
      this.node = node;
      this.in = in;
      this.outputTypes = new ValueType[node.outputs().size()];
      this.outputConstants = new Tensor[node.outputs().size()];
    }

    @Override
    public Node node() {
      return node;
    }

    @Override
    public long opsetVersion() {
      return opsets.getOrDefault(node.domain(), -1L);
    }

    @Override
    public int inputCount() {
      return in.length;
    }

    @Override
    public boolean hasInput(int i) {
      return i >= 0 && i < in.length && in[i] >= 0;
    }

    @Override
    public ValueType inputType(int i) {
      return hasInput(i) ? types.get(in[i]) : null;
    }

    @Override
    public DType inputDType(int i) {
      return inputType(i) instanceof ValueType.TensorType t ? t.dtype() : null;
    }

    @Override
    public Shape inputShape(int i) {
      return inputType(i) instanceof ValueType.TensorType t ? t.shape() : null;
    }

    @Override
    public Tensor constantInput(int i) {
      if (!hasInput(i)) {
        return null;
      }
      return constants.get(in[i]) instanceof Tensor t ? t : null;
    }

    @Override
    public int outputCount() {
      return outputTypes.length;
    }

    @Override
    public boolean hasOutput(int i) {
      return i >= 0 && i < outputTypes.length && !node.outputs().get(i).isEmpty();
    }

    @Override
    public void setOutputType(int i, ValueType type) {
      if (i < outputTypes.length) {
        outputTypes[i] = type;
      }
    }

    @Override
    public void setOutputConstant(int i, Tensor value) {
      if (i < outputTypes.length) {
        outputConstants[i] = value;
        outputTypes[i] = typeOf(value);
      }
    }

    @Override
    public boolean typesOnly() {
      return options.typesOnly();
    }

    @Override
    public void allowInPlace(int input, int output) {
      if (input < 0 || input >= 64 || !hasInput(input) || !hasOutput(output)) {
        return;
      }
      if (inPlace == null) {
        inPlace = new long[outputTypes.length];
      }
      inPlace[output] |= 1L << input;
    }

    @Override
    public LedgeException error(String message) {
      return new OpException(node.describe() + ": " + message);
    }

    @Override
    public LedgeException unsupported(String message) {
      return new UnsupportedOpException(node.describe() + ": " + message);
    }

    @Override
    public Subgraph prepareSubgraph(Graph graph, List<ValueType> inputTypes) {
      Planner sub = new Planner(registry, opsets, options, Planner.this, overridableInitializers);
      Plan plan = sub.plan(graph, inputTypes);
      return new PlannedSubgraph(plan);
    }

    @Override
    public String toString() {
      return node.describe() + " inputs " + Arrays.toString(in);
    }
  }

  /** A prepared subgraph run by {@link Executor}. */
  record PlannedSubgraph(Plan plan) implements Subgraph {
    @Override
    public List<ValueType> outputTypes() {
      List<ValueType> r = new ArrayList<>();
      for (int i = 0; i < plan.outputSlots().length; i++) {
        r.add(plan.outputType(i));
      }
      return r;
    }

    @Override
    public Object[] run(ExecContext caller, Object[] inputs) {
      return Executor.runSubgraph(plan, caller, inputs, false);
    }

    @Override
    public Object[] runBorrowed(ExecContext caller, Object[] inputs) {
      return Executor.runSubgraph(plan, caller, inputs, true);
    }
  }
}
