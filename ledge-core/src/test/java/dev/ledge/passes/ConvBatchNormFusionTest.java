package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvBatchNormFusionTest {
  /** x[1,4,6,6] -> Conv(6 out, 3x3, group g) -> BN -> y; random weights and statistics. */
  private static ModelBuilder convBn(long opset, boolean convBias, int group) {
    ModelBuilder b =
        new ModelBuilder(opset)
            .input("x", DType.FLOAT32, 1, 4, 6, 6)
            .initializer("W", randomFloats(10, 6, 4 / group, 3, 3))
            .initializer("scale", randomFloats(11, 6))
            .initializer("bias", randomFloats(12, 6))
            .initializer("mean", randomFloats(13, 6))
            .initializer("var", positive(randomFloats(14, 6)));
    List<String> convIn = new ArrayList<>(List.of("x", "W"));
    if (convBias) {
      b.initializer("B", randomFloats(15, 6));
      convIn.add("B");
    }
    return b.node(
            "Conv", convIn, List.of("c"), "pads", new long[] {1, 1, 1, 1}, "group", (long) group)
        .node(
            "BatchNormalization",
            List.of("c", "scale", "bias", "mean", "var"),
            List.of("y"),
            "epsilon",
            1e-3f);
  }

  private static Tensor positive(Tensor t) {
    float[] d = t.floats();
    for (int i = 0; i < t.size(); i++) {
      d[t.offset() + i] = Math.abs(d[t.offset() + i]) + 0.1f;
    }
    return t;
  }

  @Test
  void batchNormFoldsIntoConvWeightsAndBias() {
    for (boolean bias : new boolean[] {true, false}) {
      for (int group : new int[] {1, 2}) {
        ModelDef before = convBn(15, bias, group).output("y").build();
        ModelDef after = applied(new ConvBatchNormFusion(), before);
        assertEquals(List.of("Conv"), ops(after.graph()));
        Node conv = after.graph().nodes().getFirst();
        assertEquals(List.of("y"), conv.outputs());
        assertEquals("x", conv.input(0));
        assertSame(
            before.graph().initializers().get("W"),
            after.graph().initializers().get("W"),
            "the original weights are not rewritten in place");
        assertSameOutputs(before, after, Map.of("x", randomFloats(16, 1, 4, 6, 6)), 1e-5);
      }
    }
  }

  @Test
  void oldOpsetsNeedInferenceModeAttributes() {
    ModelDef v6 = convBn(6, true, 1).output("y").build();
    assertFalse(new ConvBatchNormFusion().apply(v6), "is_test=0: training");
    v6.graph().nodes().get(1).attributes().put("is_test", Attribute.of("is_test", 1L));
    ModelDef before = v6.deepCopy();
    ModelDef after = applied(new ConvBatchNormFusion(), v6);
    assertEquals(List.of("Conv"), ops(after.graph()));
    assertSameOutputs(before, after, Map.of("x", randomFloats(17, 1, 4, 6, 6)), 1e-5);

    ModelDef perActivation = convBn(8, true, 1).output("y").build();
    perActivation.graph().nodes().get(1).attributes().put("spatial", Attribute.of("spatial", 0L));
    assertFalse(new ConvBatchNormFusion().apply(perActivation));
  }

  @Test
  void leftAloneWhenTheConvOutputIsReadElsewhereOrTheWeightsAreNotConstant() {
    ModelDef shared = convBn(15, true, 1).output("y").output("c").build();
    assertFalse(new ConvBatchNormFusion().apply(shared));

    ModelDef training = convBn(15, true, 1).output("y").build();
    training
        .graph()
        .nodes()
        .get(1)
        .attributes()
        .put("training_mode", Attribute.of("training_mode", 1L));
    assertFalse(new ConvBatchNormFusion().apply(training));

    ModelDef fedWeights = convBn(15, true, 1).output("y").build();
    fedWeights.graph().inputs().add(PassTestValues.floatInput("W", 6, 4, 3, 3));
    assertFalse(new ConvBatchNormFusion().apply(fedWeights), "W may be fed by the caller");
  }

  /**
   * x -> Conv(W) -> BN(seed s) -> y for each of {@code convs} Convs sharing W, where W is folded
   * from a Transpose of the initializer W0 (so the optimization run creates it).
   */
  private static ModelBuilder foldedWeights(int convs) {
    ModelBuilder b =
        new ModelBuilder(15)
            .input("x", DType.FLOAT32, 1, 4, 6, 6)
            .initializer("W0", randomFloats(20, 6, 4, 3, 3))
            .node("Transpose", "W0", "W", "perm", new long[] {0, 1, 3, 2});
    for (int i = 0; i < convs; i++) {
      b.initializer("scale" + i, randomFloats(21 + 4 * i, 6))
          .initializer("bias" + i, randomFloats(22 + 4 * i, 6))
          .initializer("mean" + i, randomFloats(23 + 4 * i, 6))
          .initializer("var" + i, positive(randomFloats(24 + 4 * i, 6)))
          .node("Conv", List.of("x", "W"), List.of("c" + i), "pads", new long[] {1, 1, 1, 1})
          .node(
              "BatchNormalization",
              List.of("c" + i, "scale" + i, "bias" + i, "mean" + i, "var" + i),
              List.of("y" + i))
          .output("y" + i);
    }
    return b;
  }

  private static ModelDef foldThenFuse(ModelDef model) {
    ModelDef copy = model.deepCopy();
    new GraphOptimizer(List.of(new ConstantFolding(), new ConvBatchNormFusion()), 1)
        .optimizeInPlace(copy);
    return copy;
  }

  @Test
  void weightsTheRunFoldedAreScaledInPlace() {
    ModelDef before = foldedWeights(1).build();
    float[] w0 = before.graph().initializers().get("W0").floats().clone();
    ModelDef after = foldThenFuse(before);
    assertEquals(List.of("Conv"), ops(after.graph()));
    assertFalse(
        after.graph().initializers().containsKey("W"),
        "the folded weights moved to the fused name instead of being copied");
    assertEquals(
        java.util.Arrays.toString(w0),
        java.util.Arrays.toString(before.graph().initializers().get("W0").floats()),
        "the model's own initializer is untouched");
    assertSameOutputs(before, after, Map.of("x", randomFloats(25, 1, 4, 6, 6)), 1e-5);
  }

  @Test
  void foldedWeightsReadTwiceAreCopied() {
    ModelDef before = foldedWeights(2).build();
    ModelDef after = foldThenFuse(before);
    assertEquals(List.of("Conv", "Conv"), ops(after.graph()));
    assertSameOutputs(before, after, Map.of("x", randomFloats(26, 1, 4, 6, 6)), 1e-5);
  }
}
