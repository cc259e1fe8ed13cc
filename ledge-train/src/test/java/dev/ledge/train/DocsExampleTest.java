package dev.ledge.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.ModelDef;
import dev.ledge.onnx.OnnxReader;
import dev.ledge.testing.TestData;
import dev.ledge.train.data.Augmentations;
import dev.ledge.train.data.DataLoader;
import dev.ledge.train.data.Mnist;
import dev.ledge.train.data.Split;
import dev.ledge.train.export.InferenceExport;
import dev.ledge.train.loss.CrossEntropyLoss;
import dev.ledge.train.model.Sequential;
import dev.ledge.train.optim.LrSchedule;
import dev.ledge.train.optim.Sgd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/training.md, on a slice of MNIST for one epoch. */
class DocsExampleTest {
  @TempDir Path dir;

  @Test
  void documentedApiTrainsLeNet() {
    Split all = Mnist.canonicalSplit(Mnist.load(TestData.pinnedPackage("mnist")));
    int[] first = new int[640];
    for (int i = 0; i < first.length; i++) {
      first[i] = i * 12; // spread over the classes, which are stored one after the other
    }
    Split mnist =
        new Split(all.train().subset(first), all.test().subset(new int[] {0, 500, 1000, 1500}));
    ModelDef model =
        Sequential.input("input", 1, 28, 28)
            .conv2d(6, 5, 1, 2)
            .relu()
            .maxPool(2)
            .conv2d(16, 5)
            .relu()
            .maxPool(2)
            .flatten()
            .dense(120)
            .relu()
            .dense(84)
            .relu()
            .dense(10)
            .build(42);
    TrainingGraph graph = TrainingGraph.of(model, new CrossEntropyLoss()).build();
    Path out = dir.resolve("lenet5.onnx");
    try (Trainer trainer =
        Trainer.builder(graph, new Sgd(0.9, false, 5e-4))
            .schedule(LrSchedule.cosine(0.05, 10, 0))
            .seed(1)
            .build()) {
      DataLoader loader =
          DataLoader.builder(mnist.train())
              .batchSize(64)
              .shuffle(1)
              .augment(Augmentations.randomShift(2))
              .build();
      List<EpochStats> stats = Fit.run(trainer, loader, mnist.test(), 1, new Fit.Listener() {});
      assertEquals(1, stats.size());
      assertTrue(stats.getFirst().trainLoss() < 2.31, "loss " + stats.getFirst().trainLoss());
      InferenceExport.write(trainer.currentModel(), false, Map.of(), out);
    }
    assertEquals(
        10, OnnxReader.read(out).graph().outputs().getFirst().tensorType().shape().dim(1).value());
  }
}
