package dev.ledge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.onnx.OnnxWriter;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectOptimizedTest {
  @TempDir Path tmp;

  private Path model() {
    Path f = tmp.resolve("m.onnx");
    OnnxWriter.write(
        new ModelBuilder(17)
            .input("x", DType.FLOAT32, 2, 3)
            .initializer("shape", Tensor.ofLongs(3))
            .node("ConstantOfShape", "shape", "w")
            .node("Identity", "x", "i")
            .node("Add", List.of("i", "w"), List.of("y"))
            .output("y")
            .build(),
        f);
    return f;
  }

  @Test
  void showsTheHistogramBeforeAndAfterThePasses() {
    MainTest.Run r = MainTest.run("inspect", "--optimized", model().toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("3 nodes, 3 op types; after ALL passes: 1 nodes, 1 op types"), r.out());
    assertTrue(r.out().matches("(?s).*ConstantOfShape\\s+1\\s+0.*"), r.out());
    assertTrue(r.out().matches("(?s).*Add\\s+1\\s+1.*"), r.out());
    assertTrue(r.out().contains("after ALL: parameters: 3"), r.out());
  }

  @Test
  void levelChoosesThePassesAndImpliesOptimized() {
    MainTest.Run none = MainTest.run("inspect", "--level", "NONE", model().toString());
    assertEquals(0, none.code(), none.err());
    assertTrue(none.out().contains("after NONE passes: 3 nodes"), none.out());
    MainTest.Run bad = MainTest.run("inspect", "--level", "MAX", model().toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("NONE, BASIC, EXTENDED, ALL"), bad.err());
  }
}
