package dev.ledge.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.GraphException;
import dev.ledge.graph.ModelDef;
import dev.ledge.graph.Node;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionTest {
  private static ModelDef identity() {
    return new ModelBuilder()
        .input("x", DType.FLOAT32, 2, -1)
        .node("Identity", "x", "y")
        .output("y")
        .build();
  }

  @Test
  void runsAndReportsInputsAndOutputs() {
    Model m = Model.of(identity());
    assertEquals("x", m.inputs().getFirst().name());
    try (Session s = m.newSession()) {
      Tensor x = Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2);
      Map<String, Tensor> out = s.run(Map.of("x", x));
      assertArrayEquals(new float[] {1, 2, 3, 4}, out.get("y").toFloatArray());
      Tensor into = Tensor.allocate(DType.FLOAT32, 2, 2);
      s.run(Map.of("x", x), Map.of("y", into));
      assertArrayEquals(new float[] {1, 2, 3, 4}, into.floats());
    }
  }

  @Test
  void wrongInputsAreNamed() {
    try (Session s = Model.of(identity()).newSession()) {
      Tensor ok = Tensor.allocate(DType.FLOAT32, 2, 5);
      assertMessage(() -> s.run(Map.of("z", ok)), "unknown input 'z'", "[x]");
      assertMessage(() -> s.run(Map.of()), "missing input 'x'");
      assertMessage(
          () -> s.run(Map.of("x", Tensor.allocate(DType.INT64, 2, 5))),
          "expects dtype float32, got int64");
      assertMessage(
          () -> s.run(Map.of("x", Tensor.allocate(DType.FLOAT32, 3, 5))), "dim 0 should be 2");
      assertMessage(() -> s.run(Map.of("x", Tensor.allocate(DType.FLOAT32, 2))), "expects rank 2");
      assertMessage(
          () -> s.run(Map.of("x", ok), Map.of("y", Tensor.allocate(DType.FLOAT32, 1))),
          "tensor provided for it");
    }
  }

  @Test
  void symbolicDimsMustAgreeAcrossInputs() {
    ModelDef def = new ModelBuilder().build();
    def.graph()
        .inputs()
        .add(
            new dev.ledge.graph.ValueInfo(
                "a",
                new dev.ledge.graph.ValueType.TensorType(
                    DType.FLOAT32,
                    new dev.ledge.graph.Shape(List.of(dev.ledge.graph.Dim.symbolic("n"))))));
    def.graph()
        .inputs()
        .add(
            new dev.ledge.graph.ValueInfo(
                "b",
                new dev.ledge.graph.ValueType.TensorType(
                    DType.FLOAT32,
                    new dev.ledge.graph.Shape(List.of(dev.ledge.graph.Dim.symbolic("n"))))));
    def.graph().nodes().add(new Node("i", "Identity", "", List.of("b"), List.of("y"), Map.of()));
    def.graph().outputs().add(new dev.ledge.graph.ValueInfo("y", null));
    try (Session s = Model.of(def).newSession()) {
      assertMessage(
          () ->
              s.run(
                  Map.of(
                      "a",
                      Tensor.allocate(DType.FLOAT32, 3),
                      "b",
                      Tensor.allocate(DType.FLOAT32, 4))),
          "'n'");
    }
  }

  @Test
  void graphErrorsNameTheNode() {
    ModelDef cyclic =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 1)
            .node("Identity", "b", "a")
            .node("Identity", "a", "b")
            .output("b")
            .build();
    assertMessage(() -> Model.of(cyclic).newSession(), "cycle");

    ModelDef dangling =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 1)
            .node("Identity", "nope", "y")
            .output("y")
            .build();
    LedgeException e = assertThrows(GraphException.class, () -> Model.of(dangling).newSession());
    assertTrue(
        e.getMessage().contains("'nope'") && e.getMessage().contains("Identity"), e.getMessage());

    ModelDef dup =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 1)
            .node("Identity", "x", "y")
            .node("Identity", "x", "y")
            .output("y")
            .build();
    assertMessage(() -> Model.of(dup).newSession(), "produced twice");

    ModelDef unknownOp =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 1)
            .node("NoSuchOp", "x", "y")
            .output("y")
            .build();
    assertInstanceOf(
        UnsupportedOpException.class,
        assertThrows(LedgeException.class, () -> Model.of(unknownOp).newSession()));

    ModelDef futureOpset =
        new ModelBuilder(99)
            .input("x", DType.FLOAT32, 1)
            .node("Identity", "x", "y")
            .output("y")
            .build();
    assertMessage(() -> Model.of(futureOpset).newSession(), "opset 99");

    ModelDef missingOutput =
        new ModelBuilder().input("x", DType.FLOAT32, 1).output("nothing").build();
    assertMessage(() -> Model.of(missingOutput).newSession(), "'nothing'");
  }

  @Test
  void constantsAreFoldedAtSessionCreation() {
    ModelDef def =
        new ModelBuilder()
            .node("Constant", List.of(), List.of("c"), "value", Tensor.ofFloats(1, 2))
            .node("Identity", "c", "y")
            .output("y")
            .build();
    try (Session s = Model.of(def).newSession()) {
      assertArrayEquals(new float[] {1, 2}, s.run(Map.of()).get("y").toFloatArray());
    }
  }

  static void assertMessage(org.junit.jupiter.api.function.Executable run, String... parts) {
    LedgeException e = assertThrows(LedgeException.class, run);
    for (String p : parts) {
      assertTrue(
          e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
    }
  }
}
