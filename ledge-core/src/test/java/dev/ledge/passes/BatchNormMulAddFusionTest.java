package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledge.graph.Attribute;
import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchNormMulAddFusionTest {
  private static ModelBuilder bn(long opset) {
    return new ModelBuilder(opset)
        .input("x", DType.FLOAT32, 2, 3, 4, 4)
        .initializer("scale", randomFloats(40, 3))
        .initializer("bias", randomFloats(41, 3))
        .initializer("mean", randomFloats(42, 3))
        .initializer("var", Tensor.ofFloats(0.5f, 1, 2))
        .node(
            "BatchNormalization",
            List.of("x", "scale", "bias", "mean", "var"),
            List.of("b"),
            "epsilon",
            1e-3f);
  }

  @Test
  void mulAndAddAfterABatchNormFoldIntoItsScaleAndBias() {
    ModelDef before =
        bn(15)
            .initializer("s", randomFloats(43, 3, 1, 1))
            .initializer("a", randomFloats(44, 1, 3, 1, 1))
            .node("Mul", List.of("b", "s"), List.of("m"))
            .node("Add", List.of("a", "m"), List.of("y"))
            .output("y")
            .build();
    ModelDef once = applied(new BatchNormMulAddFusion(), before);
    assertEquals(List.of("BatchNormalization", "Add"), ops(once.graph()));
    assertSameOutputs(before, once, Map.of("x", randomFloats(45, 2, 3, 4, 4)), 1e-5);
    ModelDef after = GraphOptimizer.forLevel(OptimizationLevel.EXTENDED).optimize(before);
    assertEquals(List.of("BatchNormalization"), ops(after.graph()));
    assertEquals(List.of("y"), after.graph().nodes().getFirst().outputs());
    assertSameOutputs(before, after, Map.of("x", randomFloats(46, 2, 3, 4, 4)), 1e-5);
  }

  @Test
  void trainingModeOldOpsetsAndOtherShapesStay() {
    ModelDef training =
        bn(15)
            .initializer("s", randomFloats(47, 3, 1, 1))
            .node("Mul", List.of("b", "s"), List.of("y"))
            .output("y")
            .build();
    training
        .graph()
        .nodes()
        .getFirst()
        .attributes()
        .put("training_mode", Attribute.of("training_mode", 1L));
    assertFalse(new BatchNormMulAddFusion().apply(training));
    ModelDef old =
        bn(7)
            .initializer("s", randomFloats(48, 3, 1, 1))
            .node("Mul", List.of("b", "s"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new BatchNormMulAddFusion().apply(old), "spatial=0 was possible before opset 9");
    ModelDef spatial =
        bn(15)
            .initializer("s", randomFloats(49, 3, 4, 4))
            .node("Mul", List.of("b", "s"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new BatchNormMulAddFusion().apply(spatial));
  }
}
