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
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReshapeFusionTest {
  private static ModelBuilder chain(long[] s1, long[] s2) {
    return new ModelBuilder(13)
        .input("x", DType.FLOAT32, 2, 3, 4)
        .initializer("s1", Tensor.ofLongs(s1))
        .initializer("s2", Tensor.ofLongs(s2))
        .node("Reshape", List.of("x", "s1"), List.of("r1"))
        .node("Reshape", List.of("r1", "s2"), List.of("y"))
        .output("y");
  }

  @Test
  void aReshapeOfAReshapeReadsTheOriginalInput() {
    ModelDef before = chain(new long[] {6, 4}, new long[] {4, -1}).build();
    ModelDef after = applied(new ReshapeFusion(), before);
    assertEquals(List.of("Reshape"), ops(after.graph()));
    assertEquals(List.of("x", "s2"), after.graph().nodes().getFirst().inputs());
    assertSameOutputs(before, after, Map.of("x", randomFloats(1, 2, 3, 4)), 0);
  }

  @Test
  void zeroEntriesCopyTheIntermediateDimsWhichBecomeLiterals() {
    ModelDef before = chain(new long[] {6, 4}, new long[] {0, 2, 2}).build();
    ModelDef after = applied(new ReshapeFusion(), before);
    Node r = after.graph().nodes().getFirst();
    assertEquals("x", r.input(0));
    assertArrayEquals(
        new long[] {6, 2, 2}, after.graph().initializers().get(r.input(1)).toLongArray());
    assertSameOutputs(before, after, Map.of("x", randomFloats(2, 2, 3, 4)), 0);
  }

  @Test
  void flattenSqueezeAndUnsqueezeBeforeAReshapeGoToo() {
    ModelDef before =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 2, 3, 4)
            .initializer("axes", Tensor.ofLongs(0))
            .initializer("s", Tensor.ofLongs(-1, 2))
            .node("Flatten", "x", "f", "axis", 2L)
            .node("Unsqueeze", List.of("f", "axes"), List.of("u"))
            .node("Reshape", List.of("u", "s"), List.of("y"))
            .output("y")
            .build();
    ModelDef after =
        GraphOptimizer.forLevel(dev.ledge.runtime.SessionOptions.OptimizationLevel.BASIC)
            .optimize(before);
    assertEquals(List.of("Reshape"), ops(after.graph()));
    assertEquals("x", after.graph().nodes().getFirst().input(0));
    assertSameOutputs(before, after, Map.of("x", randomFloats(3, 2, 3, 4)), 0);
  }

  @Test
  void leftAloneWhenTheIntermediateIsReadOrItsCopiedDimsAreUnknown() {
    assertFalse(
        new ReshapeFusion()
            .apply(chain(new long[] {6, 4}, new long[] {4, -1}).output("r1").build()));
    ModelDef dynamic =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 2, 3, 4)
            .input("s1", DType.INT64, 2)
            .initializer("s2", Tensor.ofLongs(0, -1))
            .node("Reshape", List.of("x", "s1"), List.of("r1"))
            .node("Reshape", List.of("r1", "s2"), List.of("y"))
            .output("y")
            .build();
    assertFalse(new ReshapeFusion().apply(dynamic), "0 copies a dim only known at run time");
  }
}
