package dev.ledge.train;

import dev.ledge.LedgeException;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.autograd.Autograd;
import dev.ledge.train.data.Batch;
import dev.ledge.train.data.Splits;
import dev.ledge.train.optim.GradientClipping;
import dev.ledge.train.optim.LrSchedule;
import dev.ledge.train.optim.Optimizer;
import dev.ledge.train.optim.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs training steps: feeds a batch, the parameters and the running statistics to the {@link
 * TrainingGraph}'s session, reads the loss, predictions and gradients, clips, and lets the {@link
 * Optimizer} update the parameters in place. Owns copies of the parameters; the model it was built
 * from is never modified. Not thread-safe.
 *
 * <p>With one thread a run is a pure function of the model, the data order and the seed: the same
 * seed gives bit-identical weights.
 */
public final class Trainer implements AutoCloseable {
  private final TrainingGraph graph;
  private final Optimizer optimizer;
  private final LrSchedule schedule;
  private final double clipNorm;
  private final long seed;
  private final Session session;
  private final Map<String, Tensor> values = new LinkedHashMap<>();
  private final List<Parameter> params = new ArrayList<>();
  private final Map<String, Tensor> state = new LinkedHashMap<>();
  private final Map<Integer, Tensor> predictionBuffers = new HashMap<>();
  private final Tensor lossBuffer;
  private long step;

  private Trainer(Builder b) {
    this.graph = b.graph;
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.clipNorm = b.clipNorm;
    this.seed = b.seed;
    Graph g = graph.inferenceModel().graph();
    for (String p : graph.parameters()) {
      Tensor v = g.initializers().get(p).copy();
      values.put(p, v);
      params.add(new Parameter(p, v, Tensor.allocate(DType.FLOAT32, v.shape())));
    }
    for (String s : graph.stateUpdates().keySet()) {
      Tensor v = g.initializers().get(s).copy();
      values.put(s, v);
      state.put(s, v);
    }
    this.session =
        graph.model().newSession(SessionOptions.defaults().threads(Math.max(1, b.threads)));
    this.lossBuffer = Tensor.allocate(DType.FLOAT32, new int[0]);
  }

  public static Builder builder(TrainingGraph graph, Optimizer optimizer) {
    return new Builder(graph, optimizer);
  }

  public TrainingGraph graph() {
    return graph;
  }

  /** Steps taken so far. */
  public long steps() {
    return step;
  }

  /** The current parameters (live: updated by every step). */
  public List<Parameter> parameters() {
    return List.copyOf(params);
  }

  /** One training step on a batch. */
  public StepResult step(Batch batch) {
    Map<String, Tensor> feeds = new HashMap<>(values);
    feeds.put(graph.input(), batch.features());
    feeds.putAll(graph.lossFunction().feeds(batch));
    if (graph.hasDropout()) {
      feeds.put(TrainingGraph.DROPOUT_SEED, Tensor.scalar(Splits.splitmix64(seed) + step));
    }
    Map<String, Tensor> outputs = new HashMap<>();
    for (Parameter p : params) {
      outputs.put(graph.gradients().get(p.name()), p.grad());
    }
    outputs.put(graph.loss(), lossBuffer);
    for (Map.Entry<String, String> e : graph.stateUpdates().entrySet()) {
      // Safe: outputs are copied after the run, when the old statistics are no longer read.
      outputs.put(e.getValue(), state.get(e.getKey()));
    }
    Tensor pred = predictionBuffer(batch);
    outputs.put(graph.prediction(), pred);
    session.run(feeds, outputs);
    double loss = lossBuffer.getDouble(0);
    if (!Double.isFinite(loss)) {
      throw new LedgeException(
          "loss is " + loss + " at step " + step + "; lower the learning rate or clip gradients");
    }
    double norm = clipNorm > 0 ? GradientClipping.clipGlobalNorm(params, clipNorm) : Double.NaN;
    double lr = schedule.at(step);
    optimizer.step(params, lr);
    step++;
    return new StepResult(loss, Metrics.correct(pred, batch.labels()), batch.size(), norm, lr);
  }

  private Tensor predictionBuffer(Batch batch) {
    // Shapes are known only from a run; the first run of each batch size allocates.
    Tensor p = predictionBuffers.get(batch.size());
    if (p == null) {
      Map<String, Tensor> feeds = new HashMap<>(values);
      feeds.put(graph.input(), batch.features());
      feeds.putAll(graph.lossFunction().feeds(batch));
      if (graph.hasDropout()) {
        feeds.put(TrainingGraph.DROPOUT_SEED, Tensor.scalar(0L));
      }
      Tensor out = session.run(feeds).get(graph.prediction());
      p = Tensor.allocate(out.dtype(), out.shape());
      predictionBuffers.put(batch.size(), p);
    }
    return p;
  }

  /**
   * The model with the current weights and running statistics, in inference form (a copy; the
   * original's metadata and graph otherwise unchanged).
   */
  public ModelDef currentModel() {
    ModelDef src = graph.inferenceModel();
    Graph g = Autograd.copy(src.graph());
    for (Map.Entry<String, Tensor> e : values.entrySet()) {
      g.initializers().put(e.getKey(), e.getValue().copy());
    }
    ModelDef m = new ModelDef(g);
    m.setIrVersion(src.irVersion());
    m.opsetImports().putAll(src.opsetImports());
    m.setProducerName(src.producerName());
    m.setProducerVersion(src.producerVersion());
    m.setDomain(src.domain());
    m.setModelVersion(src.modelVersion());
    m.setDocString(src.docString());
    m.metadata().putAll(src.metadata());
    m.functions().addAll(src.functions());
    return m;
  }

  @Override
  public void close() {
    session.close();
  }

  /** Options of a {@link Trainer}. */
  public static final class Builder {
    private final TrainingGraph graph;
    private final Optimizer optimizer;
    private LrSchedule schedule = LrSchedule.constant(0.01);
    private double clipNorm;
    private long seed;
    private int threads = 1;

    private Builder(TrainingGraph graph, Optimizer optimizer) {
      this.graph = graph;
      this.optimizer = optimizer;
    }

    public Builder learningRate(double lr) {
      schedule = LrSchedule.constant(lr);
      return this;
    }

    public Builder schedule(LrSchedule s) {
      schedule = s;
      return this;
    }

    /** Clips gradients to this global norm (0: no clipping). */
    public Builder clipGlobalNorm(double maxNorm) {
      if (maxNorm < 0) {
        throw new IllegalArgumentException("max norm must be >= 0, got " + maxNorm);
      }
      clipNorm = maxNorm;
      return this;
    }

    /** Seed of the dropout masks. */
    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /** Threads given to the session (kernels that split work use them). */
    public Builder threads(int n) {
      threads = n;
      return this;
    }

    public Trainer build() {
      return new Trainer(this);
    }
  }
}
