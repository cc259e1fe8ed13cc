package dev.ledge.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.onnx.OnnxReader;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.OrtReference;
import dev.ledge.train.Trainer;
import dev.ledge.train.TrainingGraph;
import dev.ledge.train.data.ArrayDataset;
import dev.ledge.train.data.Batch;
import dev.ledge.train.data.DataLoader;
import dev.ledge.train.loss.CrossEntropyLoss;
import dev.ledge.train.model.Sequential;
import dev.ledge.train.optim.Adam;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported inference models load in ONNX Runtime and agree with Ledge. */
class InferenceExportTest {
  @TempDir Path dir;

  static ArrayDataset images(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 2 * 6 * 6];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(4);
    }
    return new ArrayDataset(x, y, new int[] {2, 6, 6}, List.of("a", "b", "c", "d"));
  }

  private static ModelDef trained() {
    ModelDef m =
        Sequential.input("input", 2, 6, 6)
            .conv2d(5, 3, 1, 1)
            .batchNorm()
            .relu()
            .depthwiseConv2d(3, 2, 1, 2)
            .batchNorm()
            .relu()
            .dropout(0.25)
            .flatten()
            .dense(7)
            .batchNorm()
            .relu()
            .dense(4)
            .build(3);
    ArrayDataset d = images(64, 1);
    try (Trainer t =
        Trainer.builder(TrainingGraph.of(m, new CrossEntropyLoss()).build(), Adam.adam())
            .learningRate(0.01)
            .seed(1)
            .build()) {
      for (int e = 0; e < 3; e++) {
        for (Batch b : DataLoader.builder(d).batchSize(16).shuffle(2).build().epoch(e)) {
          t.step(b);
        }
      }
      return t.currentModel();
    }
  }

  @Test
  void exportedModelsAgreeWithOnnxRuntime() throws Exception {
    ModelDef m = trained();
    Tensor x =
        DataLoader.builder(images(9, 7)).batchSize(9).build().epoch(0).iterator().next().features();
    Tensor want;
    try (Session s = Model.of(m).newSession()) {
      want = s.run(Map.of("input", x)).get("logits");
    }
    for (boolean fold : new boolean[] {false, true}) {
      Path file = dir.resolve(fold ? "folded.onnx" : "plain.onnx");
      InferenceExport.write(m, fold, Map.of("ledge.train.test", "yes"), file);
      ModelDef back = OnnxReader.read(file);
      List<String> ops = back.graph().nodes().stream().map(Node::opType).toList();
      assertTrue(!ops.contains("Dropout"), "dropout removed: " + ops);
      long bns = ops.stream().filter(o -> o.equals("BatchNormalization")).count();
      assertEquals(fold ? 0 : 3, bns, "batch norms: " + ops);
      assertEquals("yes", back.metadata().get("ledge.train.test"));
      Tensor ledge;
      try (Session s = Model.of(back).newSession()) {
        ledge = s.run(Map.of("input", x)).get("logits");
      }
      Tensor ort;
      try (OrtReference ref = new OrtReference(file)) {
        ort = ref.run(Map.of("input", x)).get("logits");
      }
      for (int i = 0; i < want.size(); i++) {
        assertEquals(want.getDouble(i), ledge.getDouble(i), 1e-4, "ledge, fold " + fold);
        assertEquals(want.getDouble(i), ort.getDouble(i), 1e-4, "onnx runtime, fold " + fold);
      }
    }
  }
}
