package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityEliminationTest {
  @Test
  void readersOfTheOutputReadTheInput() {
    ModelDef before =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 4)
            .node("Identity", "x", "a")
            .node("Identity", "a", "b")
            .node("Relu", "b", "y")
            .node("Neg", "a", "z")
            .output("y")
            .output("z")
            .build();
    ModelDef after = applied(new IdentityElimination(), before);
    assertEquals(List.of("Relu", "Neg"), ops(after.graph()));
    assertEquals(List.of("x"), after.graph().nodes().get(0).inputs());
    assertEquals(List.of("x"), after.graph().nodes().get(1).inputs());
    assertSameOutputs(before, after, Map.of("x", randomFloats(3, 4)), 0);
  }

  @Test
  void aGraphOutputKeepsItsNameAndTheProducerWritesIt() {
    ModelDef before =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 4)
            .node("Relu", "x", "r")
            .node("Identity", "r", "y")
            .node("Neg", "r", "z")
            .output("y")
            .output("z")
            .build();
    ModelDef after = applied(new IdentityElimination(), before);
    assertEquals(List.of("Relu", "Neg"), ops(after.graph()));
    assertEquals(List.of("y"), after.graph().nodes().get(0).outputs());
    assertEquals(List.of("y"), after.graph().nodes().get(1).inputs());
    assertEquals("y", after.graph().outputs().get(0).name());
    assertSameOutputs(before, after, Map.of("x", randomFloats(4, 4)), 0);
  }

  @Test
  void identitiesThatMustStayAreLeftAlone() {
    // Input straight to output; and a Relu output that is itself a graph output.
    Graph branch = new ModelBuilder().node("Neg", "i", "t").output("t").graph();
    ModelDef m =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 4)
            .input("c", DType.BOOL)
            .node("Identity", "x", "y")
            .node("Relu", "x", "r")
            .node("Identity", "r", "r2")
            .node("Identity", "x", "i") // read by a subgraph: keeps its name
            .node("If", List.of("c"), List.of("z"), "then_branch", branch, "else_branch", branch)
            .output("y")
            .output("r")
            .output("r2")
            .output("z")
            .build();
    assertFalse(new IdentityElimination().apply(m));
  }

  @Test
  void worksInsideSubgraphs() {
    Graph branch =
        new ModelBuilder()
            .node("Identity", "x", "a") // reads the enclosing graph's x
            .node("Neg", "a", "t")
            .output("t")
            .graph();
    ModelDef before =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 4)
            .input("c", DType.BOOL)
            .node("If", List.of("c"), List.of("z"), "then_branch", branch, "else_branch", branch)
            .output("z")
            .build();
    ModelDef after = applied(new IdentityElimination(), before);
    Graph b = after.graph().nodes().getFirst().attribute("then_branch").asGraph();
    assertEquals(List.of("Neg"), ops(b));
    assertEquals(List.of("x"), b.nodes().getFirst().inputs());
    Tensor c = Tensor.allocate(DType.BOOL);
    c.setBoolean(0, true);
    assertSameOutputs(before, after, Map.of("x", randomFloats(5, 4), "c", c), 0);
  }
}
