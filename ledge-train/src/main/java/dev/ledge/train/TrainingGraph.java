package dev.ledge.train;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.runtime.Model;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.autograd.Autograd;
import dev.ledge.train.autograd.GradientGraph;
import dev.ledge.train.autograd.GradientRules;
import dev.ledge.train.autograd.GraphBuilder;
import dev.ledge.train.loss.Loss;
import dev.ledge.train.ops.TrainOperators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The graph that trains a model: the model in training form (BatchNormalization computing batch
 * statistics and returning updated running statistics; Dropout replaced by the seeded {@code
 * dev.ledge.train.Dropout}; float MaxPool replaced by {@code dev.ledge.train.MaxPoolWithArgmax},
 * which records where each maximum came from so that the backward pass scatters instead of
 * searching every window again; float32 Conv nodes the training kernels take replaced by {@code
 * dev.ledge.train.Conv}, see {@link TrainOperators#trainsConv}), the loss, and the backward pass
 * from {@link Autograd}. Trainable parameters and running statistics are graph inputs, fed by the
 * {@link Trainer} every step.
 *
 * <p>Which initializers are trained: every float32 initializer that is not frozen and not in a
 * non-trainable position (BatchNormalization running mean and variance; bounds, ratios, scales and
 * pads of Clip, Dropout, Resize, Pad and friends).
 */
public final class TrainingGraph {
  /** Inputs (by op type and index) that hold settings rather than weights. */
  private static final Map<String, Set<Integer>> NON_TRAINABLE_SLOTS =
      Map.of(
          "BatchNormalization", Set.of(3, 4),
          "Clip", Set.of(1, 2),
          "Dropout", Set.of(1, 2),
          "Resize", Set.of(1, 2, 3),
          "Pad", Set.of(1, 2, 3),
          "Pow", Set.of(1),
          "Upsample", Set.of(1));

  /** Name of the int64 scalar input that seeds dropout masks (present if the model has Dropout). */
  public static final String DROPOUT_SEED = "dropout_seed";

  private final ModelDef inference;
  private final ModelDef definition;
  private final String input;
  private final String prediction;
  private final String loss;
  private final List<String> parameters;
  private final Map<String, String> gradients;
  private final Map<String, String> stateUpdates;
  private final List<String> notes;
  private final Loss lossFn;
  private final boolean hasDropout;

  private TrainingGraph(
      Builder b,
      ModelDef def,
      String loss,
      GradientGraph gg,
      List<String> params,
      Map<String, String> stateUpdates,
      List<String> notes,
      boolean dropout) {
    this.inference = b.model;
    this.definition = gg.definition();
    this.input = b.input;
    this.prediction = b.output;
    this.loss = loss;
    this.parameters = List.copyOf(params);
    this.gradients = Map.copyOf(gg.gradients());
    this.stateUpdates = Map.copyOf(stateUpdates);
    this.notes = List.copyOf(notes);
    this.lossFn = b.loss;
    this.hasDropout = dropout;
  }

  /** Starts building the training graph of a model. */
  public static Builder of(ModelDef model, Loss loss) {
    return new Builder(model, loss);
  }

  /** The model as given (its inference form). */
  public ModelDef inferenceModel() {
    return inference;
  }

  /** The training graph: forward in training form, loss, backward. */
  public ModelDef definition() {
    return definition;
  }

  /** The training graph as a runnable model. */
  public Model model() {
    return Model.of(definition, TrainOperators.registry());
  }

  /** The model's data input. */
  public String input() {
    return input;
  }

  /** The model output the loss reads (also a training graph output). */
  public String prediction() {
    return prediction;
  }

  /** The scalar loss output. */
  public String loss() {
    return loss;
  }

  public Loss lossFunction() {
    return lossFn;
  }

  /** Trained initializers, in the model's order. */
  public List<String> parameters() {
    return parameters;
  }

  /** Graph output holding each parameter's gradient. */
  public Map<String, String> gradients() {
    return gradients;
  }

  /** Running statistics: state input → graph output holding its new value after a step. */
  public Map<String, String> stateUpdates() {
    return stateUpdates;
  }

  /** True if the graph reads {@link #DROPOUT_SEED}. */
  public boolean hasDropout() {
    return hasDropout;
  }

  /** What the rewrite did or could not do (e.g. BatchNormalization left in inference mode). */
  public List<String> notes() {
    return notes;
  }

  /** Options of a {@link TrainingGraph}. */
  public static final class Builder {
    private final ModelDef model;
    private final Loss loss;
    private String input;
    private String output;
    private Predicate<String> frozen = n -> false;
    private boolean batchNormTraining = true;
    private GradientRules rules = GradientRules.standard();

    private Builder(ModelDef model, Loss loss) {
      this.model = model;
      this.loss = loss;
    }

    /** The data input (default: the first graph input without an initializer). */
    public Builder input(String name) {
      input = name;
      return this;
    }

    /** The output the loss reads (default: the first graph output). */
    public Builder output(String name) {
      output = name;
      return this;
    }

    /** Initializers for which this returns true stay fixed. */
    public Builder freeze(Predicate<String> isFrozen) {
      frozen = isFrozen;
      return this;
    }

    /**
     * Whether BatchNormalization uses batch statistics and updates its running statistics (the
     * default), or stays in inference mode with frozen statistics (fine-tuning).
     */
    public Builder batchNormTraining(boolean training) {
      batchNormTraining = training;
      return this;
    }

    public Builder rules(GradientRules r) {
      rules = r;
      return this;
    }

    public TrainingGraph build() {
      Graph src = model.graph();
      if (input == null) {
        List<ValueInfo> rt = src.runtimeInputs();
        if (rt.isEmpty()) {
          throw new LedgeException("the model has no input to feed");
        }
        input = rt.getFirst().name();
      }
      if (output == null) {
        if (src.outputs().isEmpty()) {
          throw new LedgeException("the model has no output");
        }
        output = src.outputs().getFirst().name();
      }
      Graph g = Autograd.copy(src);
      ModelDef def = Autograd.copyMeta(model, g);
      long onnx = model.opsetVersion("");
      List<String> notes = new ArrayList<>();
      Map<String, String> stateUpdates = new LinkedHashMap<>();
      Set<String> nonTrainable = new LinkedHashSet<>();
      GraphBuilder b = new GraphBuilder(g, "train");
      boolean dropout = false;
      int stream = 0;
      // Unless the caller replaced MaxPool's gradient rule with one of their own.
      boolean argmaxPools =
          rules.find("", "MaxPool") == GradientRules.standard().find("", "MaxPool")
              && rules.find(TrainOperators.DOMAIN, "MaxPoolWithArgmax") != null;
      boolean trainConvs =
          rules.find("", "Conv") == GradientRules.standard().find("", "Conv")
              && rules.find(TrainOperators.DOMAIN, "Conv") != null;
      Map<String, ValueType> types =
          argmaxPools || trainConvs
              ? Model.of(def, TrainOperators.registry()).inferredTypes()
              : Map.of();
      for (int idx = 0; idx < g.nodes().size(); idx++) {
        Node n = g.nodes().get(idx);
        Set<Integer> slots = n.domain().isEmpty() ? NON_TRAINABLE_SLOTS.get(n.opType()) : null;
        if (slots != null) {
          for (int s : slots) {
            if (!n.input(s).isEmpty()) {
              nonTrainable.add(n.input(s));
            }
          }
        }
        if (!n.domain().isEmpty()) {
          continue;
        }
        if (n.opType().equals("BatchNormalization") && batchNormTraining) {
          if (onnx < 14) {
            notes.add(n.describe() + " stays in inference mode (training mode needs opset 14+)");
            continue;
          }
          Map<String, Attribute> a = new LinkedHashMap<>(n.attributes());
          a.put("training_mode", Attribute.of("training_mode", 1L));
          List<String> outs = new ArrayList<>(List.of(n.outputs().getFirst()));
          String rm = b.fresh(n.input(3) + "/updated");
          String rv = b.fresh(n.input(4) + "/updated");
          outs.add(rm);
          outs.add(rv);
          g.nodes().set(idx, new Node(n.name(), n.opType(), n.domain(), n.inputs(), outs, a));
          stateUpdates.put(n.input(3), rm);
          stateUpdates.put(n.input(4), rv);
        } else if (n.opType().equals("MaxPool")
            && argmaxPools
            && (n.outputs().size() < 2 || n.outputs().get(1).isEmpty())
            && types.get(n.input(0)) instanceof ValueType.TensorType tt
            && (tt.dtype() == DType.FLOAT32 || tt.dtype() == DType.FLOAT64)) {
          Map<String, Attribute> a = new LinkedHashMap<>(n.attributes());
          a.remove("storage_order"); // orders the Indices output, which this node does not have
          String y = n.outputs().getFirst();
          g.nodes()
              .set(
                  idx,
                  new Node(
                      n.name(),
                      "MaxPoolWithArgmax",
                      TrainOperators.DOMAIN,
                      n.inputs(),
                      List.of(y, b.fresh(y + "/argmax")),
                      a));
        } else if (n.opType().equals("Conv")
            && trainConvs
            && types.get(n.input(0)) instanceof ValueType.TensorType xt
            && xt.dtype() == DType.FLOAT32
            && types.get(n.input(1)) instanceof ValueType.TensorType wt
            && wt.shape() != null
            && TrainOperators.trainsConv(
                wt.shape().toIntsOrNull(),
                n.attribute("group") == null ? 1 : n.attribute("group").asInt(),
                n.attribute("strides") == null ? null : n.attribute("strides").asInts())) {
          g.nodes()
              .set(
                  idx,
                  new Node(
                      n.name(),
                      "Conv",
                      TrainOperators.DOMAIN,
                      n.inputs(),
                      n.outputs(),
                      n.attributes()));
        } else if (n.opType().equals("Dropout")) {
          float ratio = n.attribute("ratio") != null ? n.attribute("ratio").asFloat() : 0.5f;
          if (onnx >= 12 && !n.input(1).isEmpty()) {
            Tensor r = g.initializers().get(n.input(1));
            if (r == null || r.size() != 1) {
              throw new UnsupportedOpException(
                  n.describe() + ": training needs a constant dropout ratio");
            }
            ratio = (float) r.getDouble(0);
          }
          dropout = true;
          List<String> outs =
              List.of(
                  n.outputs().getFirst(),
                  n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()
                      ? b.fresh(n.outputs().get(1) + "/scaled")
                      : b.fresh(n.outputs().getFirst() + "/mask"));
          if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
            throw new UnsupportedOpException(
                n.describe() + ": training a model that reads Dropout's mask output");
          }
          Map<String, Attribute> a = new LinkedHashMap<>();
          a.put("ratio", Attribute.of("ratio", ratio));
          a.put("stream", Attribute.of("stream", (long) stream++));
          g.nodes()
              .set(
                  idx,
                  new Node(
                      n.name(),
                      "Dropout",
                      TrainOperators.DOMAIN,
                      List.of(n.input(0), DROPOUT_SEED),
                      outs,
                      a));
        }
      }
      if (dropout) {
        b.reserve(DROPOUT_SEED);
        g.inputs()
            .add(new ValueInfo(DROPOUT_SEED, ValueType.tensor(DType.INT64, Shape.of(new int[0]))));
      }
      // Running statistics are fed every step: inputs with their initial value as default.
      for (String s : stateUpdates.keySet()) {
        Tensor t = g.initializers().get(s);
        if (t == null) {
          throw new LedgeException("running statistic '" + s + "' is not an initializer");
        }
        g.inputs().add(new ValueInfo(s, ValueType.tensor(t.dtype(), Shape.of(t.shape()))));
      }
      List<String> params = new ArrayList<>();
      for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
        if (e.getValue().dtype() == DType.FLOAT32
            && !nonTrainable.contains(e.getKey())
            && !frozen.test(e.getKey())) {
          params.add(e.getKey());
        }
      }
      DType type = predictionType(def, output);
      String lossName = loss.attach(b, output, type);
      g.outputs().add(new ValueInfo(lossName, null));
      for (String u : stateUpdates.values()) {
        g.outputs().add(new ValueInfo(u, null));
      }
      if (g.outputs().stream().noneMatch(v -> v.name().equals(output))) {
        g.outputs().add(new ValueInfo(output, null));
      }
      Map<String, String> seeds = new LinkedHashMap<>();
      seeds.put(lossName, null);
      GradientGraph gg = Autograd.differentiate(def, seeds, params, rules);
      return new TrainingGraph(this, def, lossName, gg, params, stateUpdates, notes, dropout);
    }

    private static DType predictionType(ModelDef def, String output) {
      var types = Model.of(def, TrainOperators.registry()).inferredTypes();
      if (types.get(output) instanceof ValueType.TensorType t
          && t.dtype() != null
          && t.dtype().isFloatingPoint()) {
        return t.dtype();
      }
      throw new LedgeException(
          "output '" + output + "' is not a float tensor: " + types.get(output));
    }
  }
}
