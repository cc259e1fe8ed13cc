package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

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

  /** Conv then {@code act} (built by {@code then}) with float32 data, in opset 17. */
  private static ModelBuilder conv17(int c, int m, int size) {
    return new ModelBuilder(17)
        .input("x", DType.FLOAT32, 1, c, size, size)
        .input("skip", DType.FLOAT32, 1, m, size, size)
        .initializer("W", randomFloats(1, m, c, 3, 3))
        .initializer("B", randomFloats(2, m))
        .node("Conv", List.of("x", "W", "B"), List.of("c"), "pads", new long[] {1, 1, 1, 1});
  }

  /** Fused, with the activation attributes expected, and the same values within 1e-5/1e-6. */
  private static void assertFusedTo(
      ModelDef before, String activation, float[] params, int c, int m, int size) {
    ModelDef after = applied(new ConvActivationFusion(), before);
    assertEquals(List.of("FusedConv"), ops(after.graph()), activation);
    Node f = after.graph().nodes().getFirst();
    assertEquals(activation, f.attribute("activation").asString());
    if (params.length == 0) {
      assertNull(f.attribute("activation_params"), activation);
    } else {
      assertArrayEquals(params, f.attribute("activation_params").asFloats(), activation);
    }
    assertSameOutputs(before, after, inputs(c, m, size), 1e-5);
  }

  @Test
  void everyActivationFuses() {
    assertFusedTo(
        conv17(3, 5, 7).node("LeakyRelu", "c", "y", "alpha", 0.2f).output("y").build(),
        "LeakyRelu",
        new float[] {0.2f},
        3,
        5,
        7);
    assertFusedTo(
        conv17(3, 5, 7).node("LeakyRelu", "c", "y").output("y").build(),
        "LeakyRelu",
        new float[] {0.01f},
        3,
        5,
        7);
    assertFusedTo(
        conv17(3, 5, 7)
            .node("HardSigmoid", "c", "y", "alpha", 0.25f, "beta", 0.4f)
            .output("y")
            .build(),
        "HardSigmoid",
        new float[] {0.25f, 0.4f},
        3,
        5,
        7);
    for (String op : new String[] {"HardSwish", "Sigmoid", "Tanh", "Relu"}) {
      assertFusedTo(
          conv17(3, 5, 7).node(op, "c", "y").output("y").build(), op, new float[0], 3, 5, 7);
    }
    ModelDef relu6 =
        conv17(3, 5, 7)
            .initializer("zero", Tensor.scalar(0f))
            .initializer("six", Tensor.scalar(6f))
            .node("Clip", List.of("c", "zero", "six"), List.of("y"))
            .output("y")
            .build();
    assertFusedTo(relu6, "Clip", new float[] {0f, 6f}, 3, 5, 7);
    ModelDef lowOnly =
        conv17(3, 5, 7)
            .initializer("lo", Tensor.scalar(-0.25f))
            .node("Clip", List.of("c", "lo"), List.of("y"))
            .output("y")
            .build();
    assertFusedTo(lowOnly, "Clip", new float[] {-0.25f, Float.POSITIVE_INFINITY}, 3, 5, 7);
  }

  @Test
  void siluFusesInBothOperandOrdersAndAfterAResidualAdd() {
    ModelDef sigmoidFirst =
        conv17(3, 5, 7)
            .node("Sigmoid", "c", "s")
            .node("Mul", List.of("s", "c"), List.of("y"))
            .output("y")
            .build();
    assertFusedTo(sigmoidFirst, "SiLU", new float[0], 3, 5, 7);
    ModelDef convFirst =
        conv17(3, 5, 7)
            .node("Sigmoid", "c", "s")
            .node("Mul", List.of("c", "s"), List.of("y"))
            .output("y")
            .build();
    assertFusedTo(convFirst, "SiLU", new float[0], 3, 5, 7);
    ModelDef residual =
        conv17(3, 5, 7)
            .node("Add", List.of("skip", "c"), List.of("a"))
            .node("Sigmoid", "a", "s")
            .node("Mul", List.of("a", "s"), List.of("y"))
            .output("y")
            .build();
    ModelDef after = applied(new ConvActivationFusion(), residual);
    assertEquals(List.of("x", "W", "B", "skip"), after.graph().nodes().getFirst().inputs());
    assertFusedTo(residual, "SiLU", new float[0], 3, 5, 7);
  }

  @Test
  void activationsWithAnotherReaderOrAsGraphOutputStayUnfused() {
    // The conv output read by a second node.
    ModelDef sharedConv =
        conv17(3, 4, 6)
            .node("Sigmoid", "c", "y")
            .node("Neg", "c", "z")
            .output("y")
            .output("z")
            .build();
    assertFalse(new ConvActivationFusion().apply(sharedConv.deepCopy()));
    // The conv output is a graph output.
    ModelDef convOutput = conv17(3, 4, 6).node("Tanh", "c", "y").output("y").output("c").build();
    assertFalse(new ConvActivationFusion().apply(convOutput.deepCopy()));
    // SiLU whose sigmoid is read elsewhere, or is a graph output.
    ModelDef sharedSigmoid =
        conv17(3, 4, 6)
            .node("Sigmoid", "c", "s")
            .node("Mul", List.of("c", "s"), List.of("y"))
            .node("Neg", "s", "z")
            .output("y")
            .output("z")
            .build();
    assertFalse(new ConvActivationFusion().apply(sharedSigmoid.deepCopy()));
    ModelDef sigmoidOutput =
        conv17(3, 4, 6)
            .node("Sigmoid", "c", "s")
            .node("Mul", List.of("c", "s"), List.of("y"))
            .output("y")
            .output("s")
            .build();
    assertFalse(new ConvActivationFusion().apply(sigmoidOutput.deepCopy()));
    // Conv output read by a Sigmoid and a Mul of something else: not SiLU.
    ModelDef notSilu =
        conv17(3, 4, 6)
            .node("Sigmoid", "c", "s")
            .node("Mul", List.of("c", "skip"), List.of("y"))
            .output("y")
            .output("s")
            .build();
    assertFalse(new ConvActivationFusion().apply(notSilu.deepCopy()));
    // A three-reader conv output (Sigmoid, Mul and a third) is not SiLU either.
    ModelDef threeReaders =
        conv17(3, 4, 6)
            .node("Sigmoid", "c", "s")
            .node("Mul", List.of("c", "s"), List.of("y"))
            .node("Neg", "c", "z")
            .output("y")
            .output("z")
            .build();
    assertFalse(new ConvActivationFusion().apply(threeReaders.deepCopy()));
  }

  @Test
  void clipBoundsAreReadAsClipDoes() {
    // Clip-6 to -10 without max: the upper bound is FLT_MAX, not infinity.
    ModelDef clip6 =
        new ModelBuilder(8)
            .input("x", DType.FLOAT32, 1, 3, 6, 6)
            .initializer("W", randomFloats(1, 4, 3, 3, 3))
            .node("Conv", List.of("x", "W"), List.of("c"), "pads", new long[] {1, 1, 1, 1})
            .node("Clip", "c", "y", "min", -0.5f)
            .output("y")
            .build();
    Node f = applied(new ConvActivationFusion(), clip6).graph().nodes().getFirst();
    assertArrayEquals(
        new float[] {-0.5f, Float.MAX_VALUE}, f.attribute("activation_params").asFloats());
    // A float64 bound that float32 cannot hold is not fused (the fused op clips in float).
    Tensor w = Tensor.allocate(DType.FLOAT64, 4, 3, 3, 3);
    ModelDef inexact =
        new ModelBuilder(13)
            .input("x", DType.FLOAT64, 1, 3, 6, 6)
            .initializer("W", w)
            .initializer("hi", Tensor.wrap(new double[] {0.1}))
            .node("Conv", List.of("x", "W"), List.of("c"), "pads", new long[] {1, 1, 1, 1})
            .node("Clip", List.of("c", "", "hi"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ConvActivationFusion().apply(inexact.deepCopy()));
    // Non-constant bounds, and min > max, are not fused either.
    ModelDef inputBound =
        conv17(3, 4, 6)
            .input("hi", DType.FLOAT32)
            .node("Clip", List.of("c", "", "hi"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ConvActivationFusion().apply(inputBound.deepCopy()));
    ModelDef crossed =
        conv17(3, 4, 6)
            .initializer("lo", Tensor.scalar(1f))
            .initializer("hi", Tensor.scalar(-1f))
            .node("Clip", List.of("c", "lo", "hi"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ConvActivationFusion().apply(crossed.deepCopy()));
  }
}
