package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.Graph;
import dev.ledge.graph.ModelDef;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {
  @Test
  void foldsChainsOfConstantNodesIntoInitializers() {
    // Transpose, Unsqueeze and Squeeze of constants, an Add of a Constant node and an initializer.
    ModelDef before =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 3, 2)
            .initializer("w", Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))
            .initializer("axes", Tensor.ofLongs(0))
            .node("Constant", List.of(), List.of("one"), "value", Tensor.scalar(1f))
            .node("Add", List.of("w", "one"), List.of("w1"))
            .node("Transpose", "w1", "wt", "perm", new long[] {1, 0})
            .node("Unsqueeze", List.of("wt", "axes"), List.of("wu"))
            .node("Squeeze", List.of("wu", "axes"), List.of("ws"))
            .node("Mul", List.of("x", "ws"), List.of("y"))
            .output("y")
            .build();
    ModelDef after = applied(new ConstantFolding(), before);
    assertEquals(List.of("Mul"), ops(after.graph()));
    Tensor ws = after.graph().initializers().get("ws");
    assertArrayEquals(new int[] {3, 2}, ws.shape());
    assertArrayEquals(new float[] {2, 5, 3, 6, 4, 7}, ws.toFloatArray());
    assertSameOutputs(before, after, Map.of("x", randomFloats(1, 3, 2)), 0);
  }

  @Test
  void aFoldedGraphOutputKeepsItsName() {
    ModelDef before =
        new ModelBuilder()
            .node("Constant", List.of(), List.of("k"), "value", Tensor.ofLongs(4, 5))
            .node("Neg", "k", "y")
            .output("y")
            .build();
    ModelDef after = applied(new ConstantFolding(), before);
    assertTrue(after.graph().nodes().isEmpty());
    assertArrayEquals(new long[] {-4, -5}, after.graph().initializers().get("y").toLongArray());
    assertSameOutputs(before, after, Map.of(), 0);
  }

  @Test
  void leavesRandomOpsInputsWithDefaultsAndLargeResultsAlone() {
    ModelDef random =
        new ModelBuilder()
            .node("RandomUniform", List.of(), List.of("y"), "shape", new long[] {2})
            .output("y")
            .build();
    assertFalse(new ConstantFolding().apply(random));

    ModelDef overridable =
        new ModelBuilder()
            .input("w", DType.FLOAT32, 2)
            .initializer("w", Tensor.ofFloats(1, 2))
            .node("Neg", "w", "y")
            .output("y")
            .build();
    assertFalse(new ConstantFolding().apply(overridable), "a caller may feed w");

    ModelDef large =
        new ModelBuilder()
            .initializer("shape", Tensor.ofLongs(64))
            .node("ConstantOfShape", "shape", "y")
            .output("y")
            .build();
    assertFalse(new ConstantFolding().apply(new PassContext(large, 255)), "256 bytes > 255");
    assertTrue(new ConstantFolding().apply(new PassContext(large, 256)));
  }

  @Test
  void beforeIrVersion4InitializersListedAsInputsAreConstants() {
    ModelDef m =
        new ModelBuilder()
            .input("w", DType.FLOAT32, 2)
            .initializer("w", Tensor.ofFloats(1, 2))
            .node("Neg", "w", "y")
            .output("y")
            .build();
    m.setIrVersion(3);
    assertTrue(new ConstantFolding().apply(m));
    assertArrayEquals(new float[] {-1, -2}, m.graph().initializers().get("y").toFloatArray());
  }

  @Test
  void foldsInsideSubgraphsWithConstantsOfEnclosingGraphs() {
    Graph branch =
        new ModelBuilder()
            .node("Neg", "w", "nw") // w is the enclosing graph's initializer
            .node("Add", List.of("x", "nw"), List.of("t"))
            .output("t")
            .graph();
    ModelDef before =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 2)
            .input("c", DType.BOOL)
            .initializer("w", Tensor.ofFloats(1, 2))
            .node("If", List.of("c"), List.of("z"), "then_branch", branch, "else_branch", branch)
            .output("z")
            .build();
    ModelDef after = applied(new ConstantFolding(), before);
    Graph b = after.graph().nodes().getFirst().attribute("then_branch").asGraph();
    assertEquals(List.of("Add"), ops(b));
    assertArrayEquals(new float[] {-1, -2}, b.initializers().get("nw").toFloatArray());
    Tensor c = Tensor.allocate(DType.BOOL);
    c.setBoolean(0, true);
    assertSameOutputs(before, after, Map.of("x", randomFloats(1, 2), "c", c), 0);
  }

  @Test
  void aNodeThatFailsIsLeftForThePlannerToReport() {
    ModelDef m =
        new ModelBuilder()
            .initializer("a", Tensor.ofFloats(1, 2))
            .initializer("b", Tensor.ofFloats(1, 2, 3))
            .node("Add", List.of("a", "b"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ConstantFolding().apply(m));
    assertEquals(List.of("Add"), ops(m.graph()));
  }
}
