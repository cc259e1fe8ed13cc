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
import dev.ledge.graph.ValueInfo;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GemmActivationFusionTest {
  /** Gemm with transA and transB (a [7, 5], W [6, 7], Y [5, 6]), alpha, beta, C [6]. */
  private static ModelBuilder gemm() {
    return new ModelBuilder(17)
        .input("a", DType.FLOAT32, 7, 5)
        .initializer("W", randomFloats(1, 6, 7))
        .initializer("C", randomFloats(2, 6))
        .node(
            "Gemm",
            List.of("a", "W", "C"),
            List.of("g"),
            "transA",
            1L,
            "transB",
            1L,
            "alpha",
            1.5f,
            "beta",
            0.5f);
  }

  private static Map<String, Tensor> gemmInputs() {
    return Map.of("a", randomFloats(3, 7, 5));
  }

  /** MatMul(x [2, 3, 9], W [9, 11]) + B [11]. */
  private static ModelBuilder matMulAdd() {
    return new ModelBuilder(17)
        .input("x", DType.FLOAT32, 2, 3, 9)
        .initializer("W", randomFloats(4, 9, 11))
        .initializer("B", randomFloats(5, 11))
        .node("MatMul", List.of("x", "W"), List.of("mm"))
        .node("Add", List.of("B", "mm"), List.of("h"));
  }

  private static Map<String, Tensor> matMulInputs() {
    return Map.of("x", randomFloats(6, 2, 3, 9));
  }

  @Test
  void gemmAndActivationBecomeOneFusedGemm() {
    ModelDef before = gemm().node("LeakyRelu", "g", "y", "alpha", 0.3f).output("y").build();
    ModelDef after = applied(new GemmActivationFusion(), before);
    assertEquals(List.of("FusedGemm"), ops(after.graph()));
    Node f = after.graph().nodes().getFirst();
    assertEquals("dev.ledge", f.domain());
    assertEquals(List.of("a", "W", "C"), f.inputs());
    assertEquals(List.of("y"), f.outputs());
    assertEquals(1L, f.attribute("transA").asInt());
    assertEquals(1.5f, f.attribute("alpha").asFloat());
    assertEquals(0.5f, f.attribute("beta").asFloat());
    assertEquals("LeakyRelu", f.attribute("activation").asString());
    assertArrayEquals(new float[] {0.3f}, f.attribute("activation_params").asFloats());
    assertEquals(1L, after.opsetVersion("dev.ledge"));
    assertSameOutputs(before, after, gemmInputs(), 1e-5);

    ModelDef silu =
        gemm()
            .node("Sigmoid", "g", "s")
            .node("Mul", List.of("s", "g"), List.of("y"))
            .output("y")
            .build();
    ModelDef fusedSilu = applied(new GemmActivationFusion(), silu);
    assertEquals(List.of("FusedGemm"), ops(fusedSilu.graph()));
    assertEquals("SiLU", fusedSilu.graph().nodes().getFirst().attribute("activation").asString());
    assertSameOutputs(silu, fusedSilu, gemmInputs(), 1e-5);
  }

  @Test
  void batchedMatMulWithBiasAndActivationBecomesOneFusedGemm() {
    ModelDef before = matMulAdd().node("Tanh", "h", "y").output("y").build();
    ModelDef after = applied(new GemmActivationFusion(), before);
    assertEquals(List.of("FusedGemm"), ops(after.graph()));
    Node f = after.graph().nodes().getFirst();
    assertEquals(List.of("x", "W", "B"), f.inputs());
    assertNull(f.attribute("activation_params"));
    assertSameOutputs(before, after, matMulInputs(), 1e-5);

    // Without a bias, and with a bias of shape [1, N].
    ModelDef noBias =
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 2, 3, 9)
            .initializer("W", randomFloats(4, 9, 11))
            .node("MatMul", List.of("x", "W"), List.of("mm"))
            .node("HardSwish", "mm", "y")
            .output("y")
            .build();
    ModelDef fusedNoBias = applied(new GemmActivationFusion(), noBias);
    assertEquals(List.of("x", "W"), fusedNoBias.graph().nodes().getFirst().inputs());
    assertSameOutputs(noBias, fusedNoBias, matMulInputs(), 1e-5);
    ModelDef rowBias =
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 2, 3, 9)
            .initializer("W", randomFloats(4, 9, 11))
            .initializer("B", randomFloats(5, 1, 11))
            .node("MatMul", List.of("x", "W"), List.of("mm"))
            .node("Add", List.of("mm", "B"), List.of("h"))
            .node("Sigmoid", "h", "y")
            .output("y")
            .build();
    assertSameOutputs(rowBias, applied(new GemmActivationFusion(), rowBias), matMulInputs(), 1e-5);
  }

  @Test
  void allLevelTurnsMatMulAddReluIntoFusedGemm() {
    // MatMulAddFusion makes the 2-D MatMul + Add a Gemm; this pass then takes the Relu.
    ModelDef m =
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 4, 9)
            .initializer("W", randomFloats(4, 9, 11))
            .initializer("B", randomFloats(5, 11))
            .node("MatMul", List.of("x", "W"), List.of("mm"))
            .node("Add", List.of("mm", "B"), List.of("h"))
            .node("Relu", "h", "y")
            .output("y")
            .build();
    ModelDef all = GraphOptimizer.forLevel(OptimizationLevel.ALL).optimize(m);
    assertEquals(List.of("FusedGemm"), ops(all.graph()));
    assertSameOutputs(m, all, Map.of("x", randomFloats(7, 4, 9)), 1e-5);
  }

  @Test
  void sharedOrProtectedValuesAndOtherBroadcastsStayUnfused() {
    ModelDef sharedGemm =
        gemm().node("Relu", "g", "y").node("Neg", "g", "z").output("y").output("z").build();
    assertFalse(new GemmActivationFusion().apply(sharedGemm.deepCopy()));
    ModelDef gemmOutput = gemm().node("Relu", "g", "y").output("y").output("g").build();
    assertFalse(new GemmActivationFusion().apply(gemmOutput.deepCopy()));
    ModelDef sharedAdd =
        matMulAdd().node("Sigmoid", "h", "y").node("Neg", "h", "z").output("y").output("z").build();
    assertFalse(new GemmActivationFusion().apply(sharedAdd.deepCopy()));
    ModelDef addOutput = matMulAdd().node("Relu", "h", "y").output("y").output("h").build();
    assertFalse(new GemmActivationFusion().apply(addOutput.deepCopy()));
    ModelDef noActivation = matMulAdd().output("h").build();
    assertFalse(new GemmActivationFusion().apply(noActivation.deepCopy()));
    // A per-row bias [3, 11] on a [2, 3, 11] product does not broadcast as Gemm's C would.
    ModelDef perRow =
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 2, 3, 9)
            .initializer("W", randomFloats(4, 9, 11))
            .initializer("B", randomFloats(5, 3, 11))
            .node("MatMul", List.of("x", "W"), List.of("mm"))
            .node("Add", List.of("mm", "B"), List.of("h"))
            .node("Relu", "h", "y")
            .output("y")
            .build();
    assertFalse(new GemmActivationFusion().apply(perRow.deepCopy()));
    // B with batch dims is not a GEMM.
    ModelDef batchedB =
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 2, 3, 9)
            .initializer("W", randomFloats(4, 2, 9, 11))
            .node("MatMul", List.of("x", "W"), List.of("mm"))
            .node("Relu", "mm", "y")
            .output("y")
            .build();
    assertFalse(new GemmActivationFusion().apply(batchedB.deepCopy()));
    // Integer Gemm.
    ModelDef ints =
        new ModelBuilder(13)
            .input("a", DType.INT32, 2, 3)
            .input("b", DType.INT32, 3, 4)
            .node("Gemm", List.of("a", "b"), List.of("g"))
            .node("Relu", "g", "y")
            .output("y")
            .build();
    assertFalse(new GemmActivationFusion().apply(ints.deepCopy()));
    // Unknown types (here an input declared without one) are left alone.
    for (String op : new String[] {"Gemm", "MatMul"}) {
      ModelBuilder untyped =
          new ModelBuilder(17)
              .initializer("W", randomFloats(1, 4, 5))
              .node(op, List.of("a", "W"), List.of("g"))
              .node("Relu", "g", "y")
              .output("y");
      untyped.graph().inputs().add(new ValueInfo("a", null));
      assertFalse(new GemmActivationFusion().apply(untyped.build().deepCopy()), op);
    }
  }

  @Test
  void gemmBeforeOpset7FusesOnlyWithoutABroadcastItDisallows() {
    ModelDef broadcastOff =
        new ModelBuilder(6)
            .input("a", DType.FLOAT32, 3, 4)
            .initializer("W", randomFloats(1, 4, 5))
            .initializer("C", randomFloats(2, 5))
            .node("Gemm", List.of("a", "W", "C"), List.of("g"))
            .node("Relu", "g", "y")
            .output("y")
            .build();
    assertFalse(new GemmActivationFusion().apply(broadcastOff.deepCopy()));
    ModelDef broadcastOn =
        new ModelBuilder(6)
            .input("a", DType.FLOAT32, 3, 4)
            .initializer("W", randomFloats(1, 4, 5))
            .initializer("C", randomFloats(2, 5))
            .node("Gemm", List.of("a", "W", "C"), List.of("g"), "broadcast", 1L)
            .node("Relu", "g", "y")
            .output("y")
            .build();
    ModelDef after = applied(new GemmActivationFusion(), broadcastOn);
    assertNull(after.graph().nodes().getFirst().attribute("broadcast"));
    assertSameOutputs(broadcastOn, after, Map.of("a", randomFloats(3, 3, 4)), 1e-5);
  }
}
