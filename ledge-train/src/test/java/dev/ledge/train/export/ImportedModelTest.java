package dev.ledge.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.onnx.OnnxReader;
import dev.ledge.onnx.OnnxWriter;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.train.Trainer;
import dev.ledge.train.TrainingGraph;
import dev.ledge.train.data.ArrayDataset;
import dev.ledge.train.data.Batch;
import dev.ledge.train.data.DataLoader;
import dev.ledge.train.loss.CrossEntropyLoss;
import dev.ledge.train.model.Sequential;
import dev.ledge.train.optim.Sgd;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning a model read from an ONNX file, with a frozen feature extractor. */
class ImportedModelTest {
  @TempDir Path dir;

  @Test
  void fineTuneTheHeadOfAnImportedModel() {
    Path file = dir.resolve("base.onnx");
    OnnxWriter.write(
        Sequential.input("input", 2, 6, 6)
            .conv2d(4, 3)
            .batchNorm()
            .relu()
            .globalAvgPool()
            .dense(4)
            .build(1),
        file);
    ModelDef imported = OnnxReader.read(file);
    TrainingGraph tg =
        TrainingGraph.of(imported, new CrossEntropyLoss())
            .freeze(n -> n.startsWith("conv") || n.startsWith("bn"))
            .batchNormTraining(false)
            .build();
    assertTrue(
        tg.parameters().equals(List.of("fc1.weight", "fc1.bias")), tg.parameters().toString());
    assertTrue(tg.stateUpdates().isEmpty());
    ArrayDataset d = InferenceExportTest.images(32, 3);
    try (Trainer t = Trainer.builder(tg, new Sgd()).learningRate(0.1).build()) {
      for (Batch b : DataLoader.builder(d).batchSize(8).build().epoch(0)) {
        t.step(b);
      }
      Graph after = t.currentModel().graph();
      Graph before = imported.graph();
      assertArrayEquals(
          before.initializers().get("conv1.weight").floats(),
          after.initializers().get("conv1.weight").floats());
      assertArrayEquals(
          before.initializers().get("bn1.running_mean").floats(),
          after.initializers().get("bn1.running_mean").floats());
      assertFalse(
          Arrays.equals(
              before.initializers().get("fc1.weight").floats(),
              after.initializers().get("fc1.weight").floats()));
    }
  }

  @Test
  void anOpWithoutAGradientRuleIsNamed() {
    ModelDef m = Sequential.input("input", 3).dense(4).build(1);
    // Put a Floor (no gradient) between the weights and the loss.
    Graph g = m.graph();
    Node gemm = g.nodes().getFirst();
    g.nodes()
        .add(
            1,
            new Node(
                "floor",
                "Floor",
                "",
                List.of(gemm.outputs().getFirst()),
                List.of("floored"),
                Map.of()));
    g.nodes().get(2).inputs().set(0, "floored");
    UnsupportedOpException e =
        assertThrows(
            UnsupportedOpException.class,
            () -> TrainingGraph.of(m, new CrossEntropyLoss()).build());
    assertTrue(e.getMessage().contains("Floor node 'floor'"), e.getMessage());
    assertTrue(e.getMessage().contains("no gradient rule"), e.getMessage());
  }
}
