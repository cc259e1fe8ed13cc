package dev.ledge.runtime;

import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.onnx.OnnxReader;
import dev.ledge.ops.OperatorRegistry;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.passes.GraphOptimizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded model, ready to create {@link Session}s.
 *
 * <pre>{@code
 * Model model = Model.load(Path.of("model.onnx"));
 * try (Session s = model.newSession()) {
 *   Map<String, Tensor> out = s.run(Map.of("input", Tensor.wrap(data, 1, 3, 224, 224)));
 * }
 * }</pre>
 *
 * <p>A Model is immutable and thread-safe. Compiled plans are cached per optimization level, so
 * creating further sessions is cheap. Sessions run a copy of the model's IR rewritten by the graph
 * passes of their {@link SessionOptions.OptimizationLevel}; {@link #definition()} stays as loaded.
 */
public final class Model {
  private final ModelDef def;
  private final OperatorRegistry registry;
  private final Map<SessionOptions.OptimizationLevel, Plan> plans = new ConcurrentHashMap<>();

  /** Plans of the graph as written (no passes), for type inference: with and without folding. */
  private final Map<Boolean, Plan> typePlans = new ConcurrentHashMap<>();

  private Model(ModelDef def, OperatorRegistry registry) {
    this.def = def;
    this.registry = registry;
  }

  /** Reads an ONNX file (external data is resolved in the file's directory). */
  public static Model load(Path path) {
    return of(OnnxReader.read(path));
  }

  /** Reads ONNX bytes (models with external data need {@link #load(Path)}). */
  public static Model load(byte[] bytes) {
    return of(OnnxReader.read(bytes));
  }

  /** Wraps a model in Ledge's IR (as built or rewritten in memory). */
  public static Model of(ModelDef def) {
    return new Model(def, OperatorRegistry.standard());
  }

  /**
   * Wraps a model whose nodes may use operators beyond the built-in ones (see {@link
   * OperatorRegistry#standardWith}).
   */
  public static Model of(ModelDef def, OperatorRegistry registry) {
    return new Model(def, java.util.Objects.requireNonNull(registry, "registry"));
  }

  /** The model's IR. Do not modify it while sessions exist. */
  public ModelDef definition() {
    return def;
  }

  /** Inputs a caller feeds (graph inputs without initializers come first in declaration order). */
  public List<ValueInfo> inputs() {
    return def.graph().runtimeInputs();
  }

  /** Graph outputs as declared by the model. */
  public List<ValueInfo> outputs() {
    return def.graph().outputs();
  }

  /** A session with default options. */
  public Session newSession() {
    return newSession(SessionOptions.defaults());
  }

  public Session newSession(SessionOptions options) {
    SessionOptions opts = options.copy();
    Plan plan = plans.computeIfAbsent(opts.optimizationLevel(), level -> compile(opts));
    return new Session(plan, opts);
  }

  /**
   * Types of every value of the main graph as written (no graph passes) after type inference and
   * constant folding, by name. Unknown parts are null or unknown dims.
   */
  public Map<String, dev.ledge.graph.ValueType> inferredTypes() {
    return inferredTypes(true);
  }

  /**
   * Types of every value of the main graph as written (no graph passes), by name. With {@code
   * foldConstants}, nodes whose inputs are all constant are run first (as sessions do), which can
   * make more shapes static; without it only the operators' static inference runs, which is cheap
   * (graph passes use this).
   */
  public Map<String, dev.ledge.graph.ValueType> inferredTypes(boolean foldConstants) {
    Plan plan =
        typePlans.computeIfAbsent(
            foldConstants,
            fold ->
                compile(
                    def,
                    SessionOptions.defaults()
                        .typesOnly(true)
                        .optimizationLevel(
                            fold
                                ? SessionOptions.OptimizationLevel.BASIC
                                : SessionOptions.OptimizationLevel.NONE)));
    Map<String, dev.ledge.graph.ValueType> r = new java.util.LinkedHashMap<>();
    for (int i = 0; i < plan.slotCount(); i++) {
      r.put(plan.slotNames()[i], plan.slotTypes()[i]);
    }
    return r;
  }

  /**
   * A copy of the IR that sessions of {@code level} run: the model as loaded, rewritten by the
   * level's graph passes (for inspection; sessions make their own).
   */
  public ModelDef optimizedDefinition(SessionOptions.OptimizationLevel level) {
    return level == SessionOptions.OptimizationLevel.NONE
        ? def.deepCopy()
        : GraphOptimizer.forLevel(level).optimize(def);
  }

  /** The graph sessions of this level run: the model's IR optimized by the level's passes. */
  private Plan compile(SessionOptions options) {
    checkOpset();
    ModelDef optimized =
        options.optimizationLevel() == SessionOptions.OptimizationLevel.NONE
            ? def
            : GraphOptimizer.forLevel(options.optimizationLevel()).optimize(def);
    return compile(optimized, options);
  }

  private Plan compile(ModelDef model, SessionOptions options) {
    checkOpset();
    return new Planner(
            registry, model.opsetImports(), options, null, model.initializersOverridable())
        .plan(model.graph(), null);
  }

  private void checkOpset() {
    Long onnx = def.opsetImports().get(Node.ONNX_DOMAIN);
    if (onnx != null && (onnx > OperatorRegistry.MAX_ONNX_OPSET || onnx < 1)) {
      throw new UnsupportedOpException(
          "model imports ai.onnx opset "
              + onnx
              + "; Ledge supports opsets 1.."
              + OperatorRegistry.MAX_ONNX_OPSET);
    }
  }
}
