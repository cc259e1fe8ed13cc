package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Shape;
import dev.ledge.graph.ValueInfo;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadNodeEliminationTest {
  @Test
  void removesUnreadNodesTheirInitializersAndValueInfo() {
    ModelBuilder b =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 2, 3)
            .initializer("w", Tensor.ofFloats(1, 2, 3))
            .node("Relu", "x", "y")
            .node("Add", List.of("x", "w"), List.of("dead1"))
            .node("Abs", "dead1", "dead2")
            .output("y");
    b.graph()
        .valueInfo()
        .put(
            "dead1",
            new ValueInfo("dead1", new ValueType.TensorType(DType.FLOAT32, Shape.of(2, 3))));
    ModelDef before = b.build();
    ModelDef after = applied(new DeadNodeElimination(), before);
    assertEquals(List.of("Relu"), ops(after.graph()));
    assertTrue(after.graph().initializers().isEmpty());
    assertTrue(after.graph().valueInfo().isEmpty());
    assertEquals(3, before.graph().nodes().size(), "the original is untouched");
    assertSameOutputs(before, after, Map.of("x", randomFloats(1, 2, 3)), 0);
  }

  @Test
  void keepsGraphOutputsInputsWithDefaultsAndValuesSubgraphsRead() {
    Graph thenBranch =
        new ModelBuilder()
            .node("Neg", "k", "t")
            .node("Abs", "t", "unused") // dead inside the branch
            .output("t")
            .graph();
    Graph elseBranch = new ModelBuilder().node("Identity", "k", "e").output("e").graph();
    ModelDef before =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 3)
            .input("c", DType.BOOL)
            .input("opt", DType.FLOAT32, 3)
            .initializer("opt", Tensor.ofFloats(1, 2, 3))
            .node("Relu", "x", "k") // read only by the If's branches
            .node(
                "If",
                List.of("c"),
                List.of("z"),
                "then_branch",
                thenBranch,
                "else_branch",
                elseBranch)
            .output("z")
            .build();
    ModelDef after = applied(new DeadNodeElimination(), before);
    assertEquals(List.of("Relu", "If"), ops(after.graph()));
    assertTrue(after.graph().initializers().containsKey("opt"), "an overridable input stays");
    Graph newThen = after.graph().nodes().get(1).attribute("then_branch").asGraph();
    assertEquals(List.of("Neg"), ops(newThen));
    assertEquals(List.of("Neg", "Abs"), ops(thenBranch), "the original branch is untouched");
    Tensor x = randomFloats(2, 3);
    for (boolean c : new boolean[] {true, false}) {
      Tensor cond = Tensor.allocate(DType.BOOL);
      cond.setBoolean(0, c);
      assertSameOutputs(before, after, Map.of("x", x, "c", cond), 0);
    }
  }

  @Test
  void changesNothingWhenEverythingIsLive() {
    ModelDef m =
        new ModelBuilder().input("x", DType.FLOAT32, 2).node("Relu", "x", "y").output("y").build();
    assertFalse(new DeadNodeElimination().apply(m));
  }
}
