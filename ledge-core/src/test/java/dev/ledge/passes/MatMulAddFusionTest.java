package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatMulAddFusionTest {
  private static ModelDef matMulAdd(int[] cShape, boolean cFirst) {
    return new ModelBuilder(13)
        .input("a", DType.FLOAT32, 3, 4)
        .initializer("b", randomFloats(20, 4, 5))
        .initializer("c", randomFloats(21, cShape))
        .node("MatMul", List.of("a", "b"), List.of("ab"))
        .node("Add", cFirst ? List.of("c", "ab") : List.of("ab", "c"), List.of("y"))
        .output("y")
        .build();
  }

  @Test
  void fusesIntoGemmForEveryBiasShapeGemmBroadcasts() {
    int[][] shapes = {{}, {5}, {1}, {1, 5}, {3, 5}, {3, 1}, {1, 1}};
    for (int[] cs : shapes) {
      for (boolean cFirst : new boolean[] {false, true}) {
        ModelDef before = matMulAdd(cs, cFirst);
        ModelDef after = applied(new MatMulAddFusion(), before);
        assertEquals(List.of("Gemm"), ops(after.graph()));
        Node gemm = after.graph().nodes().getFirst();
        assertEquals(List.of("a", "b", "c"), gemm.inputs());
        assertEquals(List.of("y"), gemm.outputs());
        assertSameOutputs(before, after, Map.of("a", randomFloats(22, 3, 4)), 1e-5);
      }
    }
  }

  @Test
  void biasShapesGemmCannotTakeAndSharedProductsAreLeftAlone() {
    assertFalse(new MatMulAddFusion().apply(matMulAdd(new int[] {2, 3, 5}, false)));
    assertFalse(new MatMulAddFusion().apply(matMulAdd(new int[] {4}, false)));
    ModelDef shared = matMulAdd(new int[] {5}, false);
    shared.graph().outputs().add(new dev.ledge.graph.ValueInfo("ab", null));
    assertFalse(new MatMulAddFusion().apply(shared));
  }

  @Test
  void batchedOrDynamicMatMulsAreLeftAlone() {
    ModelDef batched =
        new ModelBuilder(13)
            .input("a", DType.FLOAT32, 2, 3, 4)
            .initializer("b", randomFloats(23, 4, 5))
            .initializer("c", randomFloats(24, 5))
            .node("MatMul", List.of("a", "b"), List.of("ab"))
            .node("Add", List.of("ab", "c"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new MatMulAddFusion().apply(batched));
    ModelDef dynamic =
        new ModelBuilder(13)
            .input("a", DType.FLOAT32, -1, 4)
            .initializer("b", randomFloats(25, 4, 5))
            .initializer("c", randomFloats(26, 5))
            .node("MatMul", List.of("a", "b"), List.of("ab"))
            .node("Add", List.of("ab", "c"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new MatMulAddFusion().apply(dynamic));
  }
}
