package dev.ledge.runtime;

import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.ValueInfo;
import dev.ledge.onnx.OnnxReader;
import dev.ledge.ops.OperatorRegistry;
import dev.ledge.ops.UnsupportedOpException;
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
 * creating further sessions is cheap.
 */
public final class Model {
  private final ModelDef def;
  private final OperatorRegistry registry;
  private final Map<SessionOptions.OptimizationLevel, Plan> plans = new ConcurrentHashMap<>();

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
   * Types of every value of the main graph after type inference (and, at the default level,
   * constant folding), by name. Unknown parts are null or unknown dims.
   */
  public Map<String, dev.ledge.graph.ValueType> inferredTypes() {
    Plan plan =
        plans.computeIfAbsent(
            SessionOptions.OptimizationLevel.BASIC, level -> compile(SessionOptions.defaults()));
    Map<String, dev.ledge.graph.ValueType> r = new java.util.LinkedHashMap<>();
    for (int i = 0; i < plan.slotCount(); i++) {
      r.put(plan.slotNames()[i], plan.slotTypes()[i]);
    }
    return r;
  }

  private Plan compile(SessionOptions options) {
    Long onnx = def.opsetImports().get(Node.ONNX_DOMAIN);
    if (onnx != null && (onnx > OperatorRegistry.MAX_ONNX_OPSET || onnx < 1)) {
      throw new UnsupportedOpException(
          "model imports ai.onnx opset "
              + onnx
              + "; Ledge supports opsets 1.."
              + OperatorRegistry.MAX_ONNX_OPSET);
    }
    return new Planner(registry, def.opsetImports(), options, null, def.irVersion() >= 4)
        .plan(def.graph(), null);
  }
}
