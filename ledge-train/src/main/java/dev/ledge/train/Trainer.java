package dev.ledge.train;

import dev.ledge.LedgeException;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.Session;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs training steps: feeds a batch, the parameters and the running statistics to the {@link
 * TrainingGraph}'s session, reads the loss, predictions and gradients, clips, and lets the {@link
 * Optimizer} update the parameters in place. Owns copies of the parameters; the model it was built
 * from is never modified. Not thread-safe.
 *
 * <p>With {@code threads(n > 1)} a step is data-parallel: the batch is cut into {@code n} shards of
 * (nearly) equal size, each run by its own session on its own thread, and gradients, losses and
 * updated running statistics are combined in shard order, weighted by shard size. This is exactly
 * the one-thread result for losses that average over samples, except that BatchNormalization
 * normalizes each shard with that shard's statistics (as PyTorch's DataParallel).
 *
 * <p>A run is a pure function of the model, the data order, the seed and the thread count: the same
 * seed and thread count give bit-identical weights.
 */
public final class Trainer implements AutoCloseable {
  private final TrainingGraph graph;
  private final Optimizer optimizer;
  private final LrSchedule schedule;
  private final double clipNorm;
  private final long seed;
  private final Map<String, Tensor> values = new LinkedHashMap<>();
  private final List<Parameter> params = new ArrayList<>();
  private final Map<String, Tensor> state = new LinkedHashMap<>();
  private final List<Worker> workers = new ArrayList<>();
  private final ExecutorService pool;
  private long step;

  /** One shard's session and output buffers. */
  private final class Worker {
    final Session session;
    final Map<String, Tensor> grads = new LinkedHashMap<>();
    final Map<String, Tensor> stateOut = new LinkedHashMap<>();
    final Map<Integer, Tensor> predictions = new HashMap<>();
    final Tensor loss = Tensor.allocate(DType.FLOAT32, new int[0]);

    Worker(Session session, boolean own) {
      this.session = session;
      for (Parameter p : params) {
        grads.put(p.name(), own ? p.grad() : Tensor.allocate(DType.FLOAT32, p.value().shape()));
      }
      for (Map.Entry<String, Tensor> e : state.entrySet()) {
        stateOut.put(e.getKey(), Tensor.allocate(e.getValue().dtype(), e.getValue().shape()));
      }
    }

    /** Runs one shard; returns its predictions. */
    Tensor run(Map<String, Tensor> feeds, int size) {
      Tensor pred = predictions.get(size);
      if (pred == null) {
        // Shapes are known only from a run; the first run of each shard size allocates.
        Tensor out = session.run(feeds).get(graph.prediction());
        pred = Tensor.allocate(out.dtype(), out.shape());
        predictions.put(size, pred);
      }
      Map<String, Tensor> outputs = new HashMap<>();
      for (Map.Entry<String, Tensor> g : grads.entrySet()) {
        outputs.put(graph.gradients().get(g.getKey()), g.getValue());
      }
      outputs.put(graph.loss(), loss);
      outputs.put(graph.prediction(), pred);
      for (Map.Entry<String, String> e : graph.stateUpdates().entrySet()) {
        outputs.put(e.getValue(), stateOut.get(e.getKey()));
      }
      session.run(feeds, outputs);
      return pred;
    }
  }

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
    var model = graph.model();
    for (int i = 0; i < b.threads; i++) {
      workers.add(new Worker(model.newSession(), i == 0 && b.threads == 1));
    }
    pool = b.threads > 1 ? Executors.newFixedThreadPool(b.threads, r -> daemon(r)) : null;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "ledge-train");
    t.setDaemon(true);
    return t;
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

  /** Data-parallel shards per step. */
  public int threads() {
    return workers.size();
  }

  /** The current parameters (live: updated by every step). */
  public List<Parameter> parameters() {
    return List.copyOf(params);
  }

  /** One training step on a batch. */
  public StepResult step(Batch batch) {
    int n = batch.size();
    int shards = Math.min(workers.size(), n);
    List<Map<String, Tensor>> feeds = new ArrayList<>(shards);
    int[] sizes = new int[shards];
    int[] starts = new int[shards];
    for (int k = 0, at = 0; k < shards; k++) {
      sizes[k] = n / shards + (k < n % shards ? 1 : 0);
      starts[k] = at;
      Batch shard = shards == 1 ? batch : slice(batch, at, sizes[k]);
      Map<String, Tensor> f = new HashMap<>(values);
      f.put(graph.input(), shard.features());
      // Loss feeds (teacher logits ...) are computed here, on the calling thread.
      f.putAll(graph.lossFunction().feeds(shard));
      if (graph.hasDropout()) {
        f.put(
            TrainingGraph.DROPOUT_SEED, Tensor.scalar(Splits.splitmix64(seed) + step * shards + k));
      }
      feeds.add(f);
      at += sizes[k];
    }
    Tensor[] preds = new Tensor[shards];
    if (shards == 1) {
      preds[0] = workers.getFirst().run(feeds.getFirst(), n);
    } else {
      List<Future<Tensor>> futures = new ArrayList<>();
      for (int k = 0; k < shards; k++) {
        Worker w = workers.get(k);
        Map<String, Tensor> f = feeds.get(k);
        int size = sizes[k];
        futures.add(pool.submit(() -> w.run(f, size)));
      }
      for (int k = 0; k < shards; k++) {
        try {
          preds[k] = futures.get(k).get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LedgeException("training step interrupted", e);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new LedgeException("training step failed: " + e.getCause(), e.getCause());
        }
      }
    }
    combine(sizes, n, shards);
    double loss = 0;
    int correct = 0;
    for (int k = 0; k < shards; k++) {
      loss += workers.get(k).loss.getDouble(0) * sizes[k] / n;
      Tensor labels = shards == 1 ? batch.labels() : slice(batch, starts[k], sizes[k]).labels();
      correct += Metrics.correct(preds[k], labels);
    }
    if (!Double.isFinite(loss)) {
      throw new LedgeException(
          "loss is " + loss + " at step " + step + "; lower the learning rate or clip gradients");
    }
    double norm = clipNorm > 0 ? GradientClipping.clipGlobalNorm(params, clipNorm) : Double.NaN;
    double lr = schedule.at(step);
    optimizer.step(params, lr);
    step++;
    return new StepResult(loss, correct, n, norm, lr);
  }

  /** Weighted sums of the shards' gradients and running statistics, in shard order. */
  private void combine(int[] sizes, int n, int shards) {
    for (Parameter p : params) {
      float[] g = p.grad().floats();
      int size = p.size();
      if (workers.getFirst().grads.get(p.name()) == p.grad()) {
        continue; // one shard writing straight into the parameter's gradient
      }
      Arrays.fill(g, p.grad().offset(), p.grad().offset() + size, 0f);
      for (int k = 0; k < shards; k++) {
        float wk = (float) sizes[k] / n;
        Tensor src = workers.get(k).grads.get(p.name());
        float[] s = src.floats();
        for (int i = 0; i < size; i++) {
          g[p.grad().offset() + i] += wk * s[src.offset() + i];
        }
      }
    }
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      Tensor dst = e.getValue();
      if (shards == 1) {
        dst.copyFrom(workers.getFirst().stateOut.get(e.getKey()));
      } else {
        for (int i = 0; i < dst.size(); i++) {
          double v = 0;
          for (int k = 0; k < shards; k++) {
            v += workers.get(k).stateOut.get(e.getKey()).getDouble(i) * sizes[k] / n;
          }
          dst.setDouble(i, v);
        }
      }
    }
  }

  /** Samples {@code [from, from + size)} of a batch, as views (no copies). */
  private static Batch slice(Batch b, int from, int size) {
    Tensor x = b.features();
    int per = x.size() / Math.max(1, b.size());
    int[] shape = x.shape();
    shape[0] = size;
    Tensor xs = Tensor.wrap(x.dtype(), x.array(), x.offset() + from * per, shape);
    Tensor y = b.labels();
    Tensor ys = Tensor.wrap(y.dtype(), y.array(), y.offset() + from, size);
    return new Batch(xs, ys, Arrays.copyOfRange(b.indices(), from, from + size));
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
    for (Worker w : workers) {
      w.session.close();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
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

    /** Data-parallel shards (threads) per step; 1 (the default) runs on the calling thread. */
    public Builder threads(int n) {
      if (n < 1 || n > 256) {
        throw new IllegalArgumentException("threads must be 1..256, got " + n);
      }
      threads = n;
      return this;
    }

    public Trainer build() {
      return new Trainer(this);
    }
  }
}
