package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.applied;
import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.tensor.DType;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransposeEliminationTest {
  private static ModelDef twoTransposes(long[] p1, long[] p2, boolean innerReadElsewhere) {
    ModelBuilder b = new ModelBuilder(13).input("x", DType.FLOAT32, 2, 3, 4);
    b.node("Relu", "x", "r");
    if (p1 == null) {
      b.node("Transpose", "r", "t1");
    } else {
      b.node("Transpose", "r", "t1", "perm", p1);
    }
    b.node("Transpose", "t1", "t2", "perm", p2).node("Neg", "t2", "y").output("y");
    if (innerReadElsewhere) {
      b.output("t1");
    }
    return b.build();
  }

  @Test
  void cancellingTransposesDisappear() {
    ModelDef before = twoTransposes(new long[] {1, 2, 0}, new long[] {2, 0, 1}, false);
    ModelDef after = applied(new TransposeElimination(), before);
    // The inner Transpose is now unread; dead-node elimination removes it.
    new DeadNodeElimination().apply(after);
    assertEquals(List.of("Relu", "Neg"), ops(after.graph()));
    assertEquals(List.of("r"), after.graph().nodes().get(1).inputs());
    assertSameOutputs(before, after, Map.of("x", randomFloats(1, 2, 3, 4)), 0);
  }

  @Test
  void theDefaultPermutationUsesTheInferredRank() {
    ModelDef before = twoTransposes(null, new long[] {2, 1, 0}, false);
    ModelDef after = applied(new TransposeElimination(), before);
    new DeadNodeElimination().apply(after);
    assertEquals(List.of("Relu", "Neg"), ops(after.graph()));
    assertSameOutputs(before, after, Map.of("x", randomFloats(2, 2, 3, 4)), 0);
  }

  @Test
  void otherPairsMergeIntoOneTranspose() {
    ModelDef before = twoTransposes(new long[] {1, 2, 0}, new long[] {0, 2, 1}, false);
    ModelDef after = applied(new TransposeElimination(), before);
    assertEquals(List.of("Relu", "Transpose", "Neg"), ops(after.graph()));
    Node t = after.graph().nodes().get(1);
    assertEquals(List.of("r"), t.inputs());
    assertArrayEquals(new long[] {1, 0, 2}, t.attribute("perm").asInts());
    assertSameOutputs(before, after, Map.of("x", randomFloats(3, 2, 3, 4)), 0);
  }

  @Test
  void aPairWhoseInnerResultIsReadElsewhereOnlyGoesWhenItCancels() {
    assertFalse(
        new TransposeElimination()
            .apply(twoTransposes(new long[] {1, 2, 0}, new long[] {0, 2, 1}, true)));
    ModelDef before = twoTransposes(new long[] {1, 0, 2}, new long[] {1, 0, 2}, true);
    ModelDef after = applied(new TransposeElimination(), before);
    assertEquals(List.of("Relu", "Transpose", "Neg"), ops(after.graph()));
    assertEquals(List.of("r"), after.graph().nodes().get(2).inputs());
    assertSameOutputs(before, after, Map.of("x", randomFloats(4, 2, 3, 4)), 0);
  }

  @Test
  void anIdentityPermutationBetweenInputAndOutputBecomesAnIdentity() {
    ModelDef before =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 2, 3)
            .node("Transpose", "x", "y", "perm", new long[] {0, 1})
            .output("y")
            .build();
    ModelDef after = applied(new TransposeElimination(), before);
    assertEquals(List.of("Identity"), ops(after.graph()));
    assertSameOutputs(before, after, Map.of("x", randomFloats(5, 2, 3)), 0);
  }
}
