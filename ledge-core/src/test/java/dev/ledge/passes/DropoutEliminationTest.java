package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.ModelDef;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropoutEliminationTest {
  @Test
  void inferenceDropoutIsRemovedWhateverTheRatio() {
    ModelDef before =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 2, 3)
            .initializer("ratio", Tensor.scalar(0.7f))
            .node("Dropout", List.of("x", "ratio"), List.of("d"))
            .node("Relu", "d", "y")
            .output("y")
            .build();
    ModelDef after = applied(new DropoutElimination(), before);
    assertEquals(List.of("Relu"), ops(after.graph()));
    assertEquals(List.of("x"), after.graph().nodes().getFirst().inputs());
    assertSameOutputs(before, after, Map.of("x", randomFloats(1, 2, 3)), 0);
  }

  @Test
  void aReadMaskBecomesAnAllTrueConstant() {
    ModelDef before =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 2, 3)
            .initializer("training", falseScalar())
            .node("Dropout", List.of("x", "", "training"), List.of("d", "mask"), "seed", 3L)
            .node("Cast", "mask", "m", "to", (long) DType.FLOAT32.onnxCode())
            .node("Mul", List.of("d", "m"), List.of("y"))
            .output("y")
            .output("mask")
            .build();
    ModelDef after = applied(new DropoutElimination(), before);
    assertEquals(List.of("Cast", "Mul"), ops(after.graph()));
    Tensor mask = after.graph().initializers().get("mask");
    assertEquals(DType.BOOL, mask.dtype());
    assertEquals(6, mask.size());
    assertSameOutputs(before, after, Map.of("x", randomFloats(2, 2, 3)), 0);
  }

  @Test
  void aGraphOutputFedFromAGraphInputBecomesAnIdentity() {
    ModelDef before =
        new ModelBuilder(10)
            .input("x", DType.FLOAT32, 4)
            .node("Dropout", "x", "y", "ratio", 0.5f)
            .output("y")
            .build();
    ModelDef after = applied(new DropoutElimination(), before);
    assertEquals(List.of("Identity"), ops(after.graph()));
    assertSameOutputs(before, after, Map.of("x", randomFloats(3, 4)), 0);
  }

  @Test
  void trainingDropoutStays() {
    ModelDef dynamicMode =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 4)
            .input("t", DType.BOOL)
            .node("Dropout", List.of("x", "", "t"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new DropoutElimination().apply(dynamicMode));
    Tensor yes = Tensor.allocate(DType.BOOL);
    yes.setBoolean(0, true);
    ModelDef training =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 4)
            .initializer("t", yes)
            .node("Dropout", List.of("x", "", "t"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new DropoutElimination().apply(training));
    ModelDef old =
        new ModelBuilder(6)
            .input("x", DType.FLOAT32, 4)
            .node("Dropout", "x", "d")
            .node("Relu", "d", "y")
            .output("y")
            .build();
    assertFalse(new DropoutElimination().apply(old), "is_test=0 before opset 7 is training");
    old.graph()
        .nodes()
        .getFirst()
        .attributes()
        .put("is_test", dev.ledge.graph.Attribute.of("is_test", 1L));
    assertTrue(new DropoutElimination().apply(old));
    assertEquals(List.of("Relu"), ops(old.graph()));
  }

  @Test
  void aReadMaskOfUnknownShapeKeepsTheNode() {
    ModelDef m =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, -1)
            .node("Dropout", List.of("x"), List.of("y", "mask"))
            .output("y")
            .output("mask")
            .build();
    assertFalse(new DropoutElimination().apply(m));
  }

  private static Tensor falseScalar() {
    return Tensor.allocate(DType.BOOL);
  }
}
