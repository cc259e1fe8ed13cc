package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledge.graph.Dim;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeFoldingTest {
  /** {@code Reshape(x, Concat(Unsqueeze(Gather(Shape(Relu(x)), 0)), [-1]))}: a flatten. */
  private static ModelDef flattenViaShape(long opset) {
    return new ModelBuilder(opset)
        .input("x", DType.FLOAT32, 2, 3, 4)
        .initializer("zero", Tensor.scalar(0L))
        .initializer("axes", Tensor.ofLongs(0))
        .initializer("minus1", Tensor.ofLongs(-1))
        .node("Relu", "x", "r")
        .node("Shape", "r", "s")
        .node("Gather", List.of("s", "zero"), List.of("n"), "axis", 0L)
        .node("Unsqueeze", List.of("n", "axes"), List.of("n1"))
        .node("Concat", List.of("n1", "minus1"), List.of("target"), "axis", 0L)
        .node("Reshape", List.of("r", "target"), List.of("y"))
        .output("y")
        .build();
  }

  @Test
  void shapeOfAStaticValueBecomesAConstant() {
    ModelDef before = flattenViaShape(13);
    ModelDef after = applied(new ShapeFolding(), before);
    assertEquals(List.of("Relu", "Gather", "Unsqueeze", "Concat", "Reshape"), ops(after.graph()));
    assertArrayEquals(new long[] {2, 3, 4}, after.graph().initializers().get("s").toLongArray());
    assertSameOutputs(before, after, Map.of("x", randomFloats(1, 2, 3, 4)), 0);
  }

  @Test
  void withConstantFoldingTheWholeShapeComputationGoes() {
    ModelDef before = flattenViaShape(13);
    ModelDef after = GraphOptimizer.forLevel(OptimizationLevel.BASIC).optimize(before);
    assertEquals(List.of("Relu", "Reshape"), ops(after.graph()));
    assertArrayEquals(new long[] {2, -1}, after.graph().initializers().get("target").toLongArray());
    assertSameOutputs(before, after, Map.of("x", randomFloats(2, 2, 3, 4)), 0);
  }

  @Test
  void startEndAndSize() {
    ModelDef before =
        new ModelBuilder(15)
            .input("x", DType.FLOAT32, 2, 3, 4, 5)
            .node("Shape", "x", "a", "start", -3L, "end", -1L)
            .node("Shape", "x", "b", "start", 7L)
            .node("Shape", "x", "c", "start", 2L, "end", 1L)
            .node("Size", "x", "d")
            .output("a")
            .output("b")
            .output("c")
            .output("d")
            .build();
    ModelDef after = applied(new ShapeFolding(), before);
    assertEquals(List.of(), ops(after.graph()));
    assertArrayEquals(new long[] {3, 4}, after.graph().initializers().get("a").toLongArray());
    assertEquals(0, after.graph().initializers().get("b").size());
    assertEquals(0, after.graph().initializers().get("c").size());
    assertArrayEquals(new long[] {120}, after.graph().initializers().get("d").toLongArray());
    assertSameOutputs(before, after, Map.of("x", randomFloats(3, 2, 3, 4, 5)), 0);
  }

  @Test
  void symbolicDimsAreNotFolded() {
    ModelBuilder b = new ModelBuilder(13);
    b.graph()
        .inputs()
        .add(
            new ValueInfo(
                "x",
                new ValueType.TensorType(
                    DType.FLOAT32, new Shape(List.of(Dim.symbolic("batch"), Dim.of(3))))));
    ModelDef m = b.node("Shape", "x", "s").output("s").build();
    assertFalse(new ShapeFolding().apply(m));
  }
}
