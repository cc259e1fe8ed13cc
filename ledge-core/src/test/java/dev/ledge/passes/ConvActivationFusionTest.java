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
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvActivationFusionTest {
  private static ModelBuilder conv(int c, int m, int size) {
    return new ModelBuilder(13)
        .input("x", DType.FLOAT32, 1, c, size, size)
        .input("skip", DType.FLOAT32, 1, m, size, size)
        .initializer("W", randomFloats(1, m, c, 3, 3))
        .initializer("B", randomFloats(2, m))
        .node("Conv", List.of("x", "W", "B"), List.of("c"), "pads", new long[] {1, 1, 1, 1});
  }

  private static Map<String, Tensor> inputs(int c, int m, int size) {
    return Map.of(
        "x", randomFloats(3, 1, c, size, size), "skip", randomFloats(4, 1, m, size, size));
  }

  @Test
  void convAddReluBecomesOneFusedConv() {
    for (int[] s : new int[][] {{3, 4, 5}, {16, 20, 33}}) {
      ModelDef before =
          conv(s[0], s[1], s[2])
              .node("Add", List.of("c", "skip"), List.of("a"))
              .node("Relu", "a", "y")
              .output("y")
              .build();
      ModelDef after = applied(new ConvActivationFusion(), before);
      assertEquals(List.of("FusedConv"), ops(after.graph()));
      Node f = after.graph().nodes().getFirst();
      assertEquals("dev.ledge", f.domain());
      assertEquals(List.of("x", "W", "B", "skip"), f.inputs());
      assertEquals("Relu", f.attribute("activation").asString());
      assertEquals(1L, after.opsetVersion("dev.ledge"));
      assertSameOutputs(before, after, inputs(s[0], s[1], s[2]), 1e-5);
    }
  }

  @Test
  void convClipAndConvReluFuse() {
    ModelDef clip =
        conv(3, 4, 6)
            .initializer("lo", Tensor.scalar(-0.5f))
            .initializer("hi", Tensor.scalar(0.25f))
            .node("Clip", List.of("c", "lo", "hi"), List.of("y"))
            .output("y")
            .build();
    ModelDef after = applied(new ConvActivationFusion(), clip);
    assertEquals(List.of("FusedConv"), ops(after.graph()));
    assertSameOutputs(clip, after, inputs(3, 4, 6), 1e-6);

    ModelDef relu = conv(3, 4, 6).node("Relu", "c", "y").output("y").build();
    assertSameOutputs(relu, applied(new ConvActivationFusion(), relu), inputs(3, 4, 6), 1e-6);
  }

  @Test
  void leavesSharedOrProtectedValuesAlone() {
    ModelDef shared =
        conv(3, 4, 6).node("Relu", "c", "y").node("Neg", "c", "z").output("y").output("z").build();
    assertFalse(new ConvActivationFusion().apply(shared.deepCopy()));
    ModelDef output = conv(3, 4, 6).node("Relu", "c", "y").output("y").output("c").build();
    assertFalse(new ConvActivationFusion().apply(output.deepCopy()));
    ModelDef broadcastAdd =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 1, 3, 6, 6)
            .initializer("W", randomFloats(1, 4, 3, 3, 3))
            .initializer("bias", randomFloats(2, 4, 1, 1))
            .node("Conv", List.of("x", "W"), List.of("c"), "pads", new long[] {1, 1, 1, 1})
            .node("Add", List.of("c", "bias"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ConvActivationFusion().apply(broadcastAdd.deepCopy()));
  }
}
