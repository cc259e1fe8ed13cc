package dev.ledge.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.Tensor;
import dev.ledge.train.autograd.GradientRule;
import dev.ledge.train.autograd.GradientRules;
import dev.ledge.train.data.ArrayDataset;
import dev.ledge.train.data.Batch;
import dev.ledge.train.data.DataLoader;
import dev.ledge.train.loss.CrossEntropyLoss;
import dev.ledge.train.loss.DistillationLoss;
import dev.ledge.train.loss.Loss;
import dev.ledge.train.loss.OneHotTargetLoss;
import dev.ledge.train.model.Sequential;
import dev.ledge.train.ops.TrainOperators;
import dev.ledge.train.optim.Adam;
import dev.ledge.train.optim.LrSchedule;
import dev.ledge.train.optim.Optimizer;
import dev.ledge.train.optim.Parameter;
import dev.ledge.train.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tiny end-to-end training runs (each a fraction of a second). */
class TrainerTest {
  /** Three Gaussian blobs in 4-D. */
  static ArrayDataset blobs(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 4];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      for (int k = 0; k < 4; k++) {
        x[i * 4 + k] = (float) (r.nextGaussian() * 0.6 + (k == y[i] ? 2 : 0));
      }
    }
    return new ArrayDataset(x, y, new int[] {4}, List.of("a", "b", "c"));
  }

  /** 1x8x8 images: a bright bar, horizontal (0), vertical (1) or diagonal (2), plus noise. */
  static ArrayDataset bars(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 64];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      int at = 1 + r.nextInt(6);
      for (int p = 0; p < 64; p++) {
        int row = p / 8;
        int col = p % 8;
        boolean on = y[i] == 0 ? row == at : y[i] == 1 ? col == at : row == col;
        x[i * 64 + p] = (float) ((on ? 1 : 0) + r.nextGaussian() * 0.2);
      }
    }
    return new ArrayDataset(x, y, new int[] {1, 8, 8}, List.of("h", "v", "d"));
  }

  static double accuracy(ModelDef m, ArrayDataset d) {
    try (Session s = Model.of(m).newSession()) {
      Batch b = DataLoader.builder(d).batchSize(d.size()).build().epoch(0).iterator().next();
      Tensor out = s.run(Map.of("input", b.features())).values().iterator().next();
      return Metrics.correct(out, b.labels()) / (double) d.size();
    }
  }

  static Trainer train(
      ModelDef m, ArrayDataset d, Loss loss, Optimizer opt, double lr, int epochs, long seed) {
    TrainingGraph tg = TrainingGraph.of(m, loss).build();
    Trainer t = Trainer.builder(tg, opt).learningRate(lr).seed(seed).build();
    DataLoader l = DataLoader.builder(d).batchSize(16).shuffle(seed).build();
    for (int e = 0; e < epochs; e++) {
      for (Batch b : l.epoch(e)) {
        t.step(b);
      }
    }
    return t;
  }

  @Test
  void mlpLearnsBlobs() {
    ArrayDataset d = blobs(240, 1);
    ModelDef m = Sequential.input("input", 4).dense(16).relu().dense(3).build(7);
    double before = accuracy(m, d);
    try (Trainer t = train(m, d, new CrossEntropyLoss(), new Sgd(0.9, false, 0), 0.05, 10, 3)) {
      double after = accuracy(t.currentModel(), d);
      assertTrue(after > 0.95, "accuracy " + before + " -> " + after);
      assertEquals(10 * 15, t.steps());
    }
  }

  @Test
  void lossGoesDownForEveryLoss() {
    ArrayDataset d = blobs(96, 2);
    List<Loss> losses =
        List.of(
            new CrossEntropyLoss(0.1, new float[] {1, 2, 0.5f}),
            OneHotTargetLoss.meanSquaredError(),
            OneHotTargetLoss.binaryCrossEntropy());
    for (Loss loss : losses) {
      ModelDef m = Sequential.input("input", 4).dense(8).relu().dense(3).build(11);
      TrainingGraph tg = TrainingGraph.of(m, loss).build();
      try (Trainer t = Trainer.builder(tg, Adam.adam()).learningRate(0.01).build()) {
        DataLoader l = DataLoader.builder(d).batchSize(d.size()).build();
        Batch all = l.epoch(0).iterator().next();
        double first = t.step(all).loss();
        double last = first;
        for (int i = 0; i < 60; i++) {
          last = t.step(all).loss();
        }
        assertTrue(last < 0.7 * first, loss.describe() + ": " + first + " -> " + last);
      }
    }
  }

  @Test
  void distillationFromATrainedTeacher() {
    ArrayDataset d = blobs(120, 5);
    ModelDef teacherDef;
    try (Trainer t =
        train(
            Sequential.input("input", 4).dense(32).relu().dense(3).build(1),
            d,
            new CrossEntropyLoss(),
            Adam.adam(),
            0.01,
            15,
            1)) {
      teacherDef = t.currentModel();
    }
    try (Session teacher = Model.of(teacherDef).newSession()) {
      DistillationLoss kd = new DistillationLoss(0.3, 2.0, teacher, "input", "logits");
      ModelDef student = Sequential.input("input", 4).dense(4).relu().dense(3).build(9);
      try (Trainer t = train(student, d, kd, Adam.adam(), 0.02, 15, 2)) {
        assertTrue(accuracy(t.currentModel(), d) > 0.9);
      }
    }
  }

  @Test
  void convNetWithBatchNormDropoutAndResidualTrains() {
    ArrayDataset d = bars(150, 3);
    ModelDef m =
        Sequential.input("input", 1, 8, 8)
            .conv2d(4, 3, 1, 1)
            .batchNorm()
            .relu()
            .residual(b -> b.conv2d(8, 3, 2, 1).batchNorm().relu().depthwiseConv2d(3, 1, 1, 1))
            .maxPool(2)
            .dropout(0.2)
            .globalAvgPool()
            .dense(3)
            .build(5);
    TrainingGraph tg = TrainingGraph.of(m, new CrossEntropyLoss()).build();
    assertTrue(tg.hasDropout());
    assertEquals(4, tg.stateUpdates().size()); // 2 BN layers x (mean, var)
    assertFalse(tg.parameters().contains("bn1.running_mean"));
    try (Trainer t = Trainer.builder(tg, Adam.adam()).learningRate(0.02).seed(4).build()) {
      DataLoader l = DataLoader.builder(d).batchSize(25).shuffle(4).build();
      for (int e = 0; e < 12; e++) {
        for (Batch b : l.epoch(e)) {
          t.step(b);
        }
      }
      ModelDef trained = t.currentModel();
      Tensor mean = trained.graph().initializers().get("bn1.running_mean");
      assertNotEquals(0.0, mean.getDouble(0), "running statistics were updated");
      assertTrue(accuracy(trained, d) > 0.9, "accuracy " + accuracy(trained, d));
    }
    // The original model is untouched.
    assertEquals(0.0, m.graph().initializers().get("bn1.running_mean").getDouble(0));
  }

  /**
   * Training graphs pool with MaxPoolWithArgmax: the same gradients, bit for bit, as MaxPool with
   * its standard rule (kept when the caller overrides MaxPool's rule).
   */
  @Test
  void maxPoolsRecordTheirArgmaxWithoutChangingGradients() {
    ModelDef m =
        Sequential.input("input", 1, 8, 8)
            .conv2d(4, 3, 1, 1)
            .relu()
            .maxPool(2)
            .conv2d(3, 3)
            .maxPool(2)
            .flatten()
            .dense(3)
            .build(6);
    TrainingGraph fast = TrainingGraph.of(m, new CrossEntropyLoss()).build();
    GradientRules custom = GradientRules.standardCopy();
    GradientRule standard = GradientRules.standard().find("", "MaxPool");
    custom.register("MaxPool", c -> standard.backward(c)); // another object: no rewrite
    TrainingGraph plain = TrainingGraph.of(m, new CrossEntropyLoss()).rules(custom).build();
    assertEquals(2, count(fast, "MaxPoolWithArgmax"));
    assertEquals(0, count(fast, "MaxPool"));
    assertEquals(2, count(plain, "MaxPool"));
    if (TrainOperators.trainsConv(new int[] {4, 1, 3, 3}, 1, null)) {
      // The first convolution (4 output channels) runs as dev.ledge.train.Conv, the second (3) not.
      assertEquals(1, countIn(fast, TrainOperators.DOMAIN, "Conv"));
      assertEquals(1, countIn(fast, "", "Conv"));
    }
    ArrayDataset d = bars(16, 5);
    Batch b = DataLoader.builder(d).batchSize(16).build().epoch(0).iterator().next();
    Map<String, Tensor> gf = gradients(fast, b);
    Map<String, Tensor> gp = gradients(plain, b);
    assertEquals(fast.parameters().size(), gf.size());
    for (String p : fast.parameters()) {
      assertArrayEquals(gp.get(p).floats(), gf.get(p).floats(), "gradient of " + p);
    }
  }

  /** The training-domain Conv: close to ONNX Conv's gradients (another order of additions). */
  @Test
  void trainingConvGivesTheSameGradients() {
    ModelDef m =
        Sequential.input("input", 1, 8, 8)
            .conv2d(6, 3, 1, 1)
            .relu()
            .conv2d(5, 3)
            .relu()
            .flatten()
            .dense(3)
            .build(7);
    TrainingGraph fast = TrainingGraph.of(m, new CrossEntropyLoss()).build();
    GradientRules custom = GradientRules.standardCopy();
    GradientRule standard = GradientRules.standard().find("", "Conv");
    custom.register("Conv", c -> standard.backward(c)); // another object: no rewrite
    TrainingGraph plain = TrainingGraph.of(m, new CrossEntropyLoss()).rules(custom).build();
    assertEquals(0, countIn(plain, TrainOperators.DOMAIN, "Conv"));
    if (TrainOperators.trainsConv(new int[] {6, 1, 3, 3}, 1, null)) {
      assertEquals(2, countIn(fast, TrainOperators.DOMAIN, "Conv"));
    }
    Batch b = DataLoader.builder(bars(16, 5)).batchSize(16).build().epoch(0).iterator().next();
    Map<String, Tensor> gf = gradients(fast, b);
    Map<String, Tensor> gp = gradients(plain, b);
    for (String p : fast.parameters()) {
      float[] want = gp.get(p).floats();
      float[] got = gf.get(p).floats();
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), p + "[" + i + "]");
      }
    }
  }

  private static long countIn(TrainingGraph tg, String domain, String opType) {
    return tg.definition().graph().nodes().stream()
        .filter(n -> n.opType().equals(opType) && n.domain().equals(domain))
        .count();
  }

  private static long count(TrainingGraph tg, String opType) {
    return tg.definition().graph().nodes().stream().filter(n -> n.opType().equals(opType)).count();
  }

  /** The parameter gradients of one batch, by parameter name. */
  private static Map<String, Tensor> gradients(TrainingGraph tg, Batch b) {
    Map<String, Tensor> feeds = new java.util.HashMap<>();
    for (String p : tg.parameters()) {
      feeds.put(p, tg.inferenceModel().graph().initializers().get(p));
    }
    feeds.put(tg.input(), b.features());
    feeds.putAll(tg.lossFunction().feeds(b));
    Map<String, Tensor> out;
    try (Session s = tg.model().newSession()) {
      out = s.run(feeds);
    }
    Map<String, Tensor> g = new java.util.LinkedHashMap<>();
    for (String p : tg.parameters()) {
      g.put(p, out.get(tg.gradients().get(p)));
    }
    return g;
  }

  @Test
  void sameSeedGivesBitIdenticalWeights() {
    ArrayDataset d = bars(60, 8);
    float[][] a = trainConvOnce(d, 42);
    float[][] b = trainConvOnce(d, 42);
    float[][] c = trainConvOnce(d, 43);
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "parameter " + i + " differs between identical runs");
    }
    boolean differs = false;
    for (int i = 0; i < a.length; i++) {
      differs |= !java.util.Arrays.equals(a[i], c[i]);
    }
    assertTrue(differs, "another seed gives other weights");
  }

  private static float[][] trainConvOnce(ArrayDataset d, long seed) {
    ModelDef m =
        Sequential.input("input", 1, 8, 8)
            .conv2d(4, 3)
            .batchNorm()
            .relu()
            .maxPool(2)
            .flatten()
            .dropout(0.3)
            .dense(3)
            .build(seed);
    TrainingGraph tg = TrainingGraph.of(m, new CrossEntropyLoss(0.05, null)).build();
    try (Trainer t =
        Trainer.builder(tg, Adam.adamW())
            .schedule(LrSchedule.warmup(3, LrSchedule.cosine(0.01, 20, 0)))
            .clipGlobalNorm(1.0)
            .seed(seed)
            .threads(1)
            .build()) {
      DataLoader l = DataLoader.builder(d).batchSize(16).shuffle(seed).build();
      for (int e = 0; e < 3; e++) {
        for (Batch b : l.epoch(e)) {
          t.step(b);
        }
      }
      List<float[]> out = new ArrayList<>();
      for (Parameter p : t.parameters()) {
        out.add(p.value().floats().clone());
      }
      for (Tensor s : List.of(t.currentModel().graph().initializers().get("bn1.running_var"))) {
        out.add(s.floats().clone());
      }
      return out.toArray(float[][]::new);
    }
  }

  @Test
  void frozenParametersStayFixed() {
    ArrayDataset d = blobs(48, 4);
    ModelDef m = Sequential.input("input", 4).dense(8).relu().dense(3).build(2);
    TrainingGraph tg =
        TrainingGraph.of(m, new CrossEntropyLoss()).freeze(n -> n.startsWith("fc1.")).build();
    assertEquals(List.of("fc2.weight", "fc2.bias"), tg.parameters());
    try (Trainer t = Trainer.builder(tg, new Sgd()).learningRate(0.1).build()) {
      for (Batch b : DataLoader.builder(d).batchSize(16).build().epoch(0)) {
        t.step(b);
      }
      ModelDef after = t.currentModel();
      assertArrayEquals(
          m.graph().initializers().get("fc1.weight").floats(),
          after.graph().initializers().get("fc1.weight").floats());
      assertFalse(
          java.util.Arrays.equals(
              m.graph().initializers().get("fc2.weight").floats(),
              after.graph().initializers().get("fc2.weight").floats()));
    }
  }

  @Test
  void dataParallelStepsMatchOneThreadAndAreReproducible() {
    ArrayDataset d = blobs(50, 6);
    float[][] one = mlpAfterSteps(d, 1);
    float[][] two = mlpAfterSteps(d, 2);
    float[][] twoAgain = mlpAfterSteps(d, 2);
    float[][] three = mlpAfterSteps(d, 3);
    for (int i = 0; i < one.length; i++) {
      assertArrayEquals(two[i], twoAgain[i], "2 threads, twice: bit-identical");
      for (int k = 0; k < one[i].length; k++) {
        assertEquals(one[i][k], two[i][k], 1e-5, "2 threads vs 1");
        assertEquals(one[i][k], three[i][k], 1e-5, "3 threads vs 1");
      }
    }
  }

  private static float[][] mlpAfterSteps(ArrayDataset d, int threads) {
    ModelDef m = Sequential.input("input", 4).dense(6).relu().dense(3).build(4);
    TrainingGraph tg = TrainingGraph.of(m, new CrossEntropyLoss()).build();
    try (Trainer t =
        Trainer.builder(tg, new Sgd(0.9, true, 0)).learningRate(0.1).threads(threads).build()) {
      for (Batch b : DataLoader.builder(d).batchSize(17).shuffle(1).build().epoch(0)) {
        t.step(b);
      }
      return t.parameters().stream().map(p -> p.value().floats().clone()).toArray(float[][]::new);
    }
  }
}
