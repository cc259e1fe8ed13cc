package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledge.graph.ModelDef;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvMulAddFusionTest {
  private static ModelBuilder conv(boolean bias) {
    ModelBuilder b =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 1, 3, 5, 5)
            .initializer("W", randomFloats(30, 4, 3, 3, 3));
    List<String> in = new ArrayList<>(List.of("x", "W"));
    if (bias) {
      b.initializer("B", randomFloats(31, 4));
      in.add("B");
    }
    return b.node("Conv", in, List.of("c"));
  }

  @Test
  void perChannelMulAndAddFoldIntoWeightsAndBias() {
    int[][] shapes = {{4, 1, 1}, {1, 4, 1, 1}, {}, {1}, {1, 1, 1}};
    for (int[] shape : shapes) {
      for (boolean bias : new boolean[] {true, false}) {
        for (boolean mulFirst : new boolean[] {true, false}) {
          ModelDef before =
              conv(bias)
                  .initializer("k", randomFloats(32, shape))
                  .node(mulFirst ? "Mul" : "Add", List.of("k", "c"), List.of("y"))
                  .output("y")
                  .build();
          ModelDef after = applied(new ConvMulAddFusion(), before);
          assertEquals(List.of("Conv"), ops(after.graph()));
          assertEquals(List.of("y"), after.graph().nodes().getFirst().outputs());
          assertSameOutputs(before, after, Map.of("x", randomFloats(33, 1, 3, 5, 5)), 1e-5);
        }
      }
    }
  }

  @Test
  void aConvThenMulThenAddBecomesOneConv() {
    ModelDef before =
        conv(true)
            .initializer("s", randomFloats(34, 4, 1, 1))
            .initializer("a", randomFloats(35, 4, 1, 1))
            .node("Mul", List.of("c", "s"), List.of("m"))
            .node("Add", List.of("m", "a"), List.of("y"))
            .node("Relu", "y", "z")
            .output("z")
            .build();
    ModelDef after = GraphOptimizer.forLevel(OptimizationLevel.EXTENDED).optimize(before);
    assertEquals(List.of("Conv", "Relu"), ops(after.graph()));
    assertSameOutputs(before, after, Map.of("x", randomFloats(36, 1, 3, 5, 5)), 1e-5);
  }

  @Test
  void operandsThatBroadcastOtherwiseOrAreNotConstantStay() {
    // [4] aligns with the width axis, [2, 4, 1, 1] grows the batch, [1, 1, 5, 5] varies in space.
    for (int[] shape : new int[][] {{4}, {2, 4, 1, 1}, {1, 1, 5, 5}}) {
      ModelDef m =
          conv(true)
              .initializer("k", randomFloats(37, shape))
              .node("Mul", List.of("c", "k"), List.of("y"))
              .output("y")
              .build();
      assertFalse(new ConvMulAddFusion().apply(m), java.util.Arrays.toString(shape));
    }
    ModelDef dynamic =
        conv(true)
            .input("k", DType.FLOAT32, 4, 1, 1)
            .node("Add", List.of("c", "k"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ConvMulAddFusion().apply(dynamic));
    Tensor inf = Tensor.wrap(new float[] {1, Float.POSITIVE_INFINITY, 1, 1}, 4, 1, 1);
    ModelDef infinite =
        conv(true)
            .initializer("k", inf)
            .node("Mul", List.of("c", "k"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ConvMulAddFusion().apply(infinite), "0 * inf is NaN, W * inf is not");
    ModelDef shared =
        conv(true)
            .initializer("k", randomFloats(38, 4, 1, 1))
            .node("Mul", List.of("c", "k"), List.of("y"))
            .output("y")
            .output("c")
            .build();
    assertFalse(new ConvMulAddFusion().apply(shared));
  }
}
