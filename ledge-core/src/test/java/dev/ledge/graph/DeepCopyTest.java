package dev.ledge.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ledge.onnx.OnnxWriter;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeepCopyTest {
  @Test
  void aCopyCanBeRewrittenWithoutTouchingTheOriginal() {
    Graph branch = new ModelBuilder().node("Neg", "x", "t").output("t").graph();
    ModelDef m =
        new ModelBuilder(13)
            .input("x", DType.FLOAT32, 2)
            .input("c", DType.BOOL)
            .initializer("w", Tensor.ofFloats(1, 2))
            .node("Add", List.of("x", "w"), List.of("a"))
            .node("If", List.of("c"), List.of("y"), "then_branch", branch, "else_branch", branch)
            .output("y")
            .build();
    m.metadata().put("k", "v");
    m.setIrVersion(8);
    byte[] before = OnnxWriter.toBytes(m);

    ModelDef copy = m.deepCopy();
    assertArrayEquals(before, OnnxWriter.toBytes(copy), "the copy is equal");
    assertSame(m.graph().initializers().get("w"), copy.graph().initializers().get("w"));
    Node ifCopy = copy.graph().nodes().get(1);
    assertNotSame(m.graph().nodes().get(1), ifCopy);
    Graph thenCopy = ifCopy.attribute("then_branch").asGraph();
    assertNotSame(branch, thenCopy);

    copy.graph().nodes().getFirst().inputs().set(1, "x");
    copy.graph().initializers().clear();
    copy.graph().inputs().clear();
    thenCopy.nodes().clear();
    ifCopy.attributes().remove("else_branch");
    copy.opsetImports().put("", 7L);
    copy.metadata().clear();
    assertArrayEquals(before, OnnxWriter.toBytes(m), "the original is unchanged");
    assertEquals(1, branch.nodes().size());
  }
}
