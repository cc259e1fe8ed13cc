package dev.ledge.passes;

import static dev.ledge.passes.PassAssertions.assertSameOutputs;
import static dev.ledge.passes.PassAssertions.ops;
import static dev.ledge.passes.PassAssertions.randomFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.graph.Graph;
import dev.ledge.graph.GraphException;
import dev.ledge.graph.ModelDef;
import dev.ledge.onnx.OnnxWriter;
import dev.ledge.runtime.InputException;
import dev.ledge.runtime.Model;
import dev.ledge.runtime.Session;
import dev.ledge.runtime.SessionOptions;
import dev.ledge.runtime.SessionOptions.OptimizationLevel;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphOptimizerTest {
  /** A model with something for every pass, in the main graph and in an If branch. */
  static ModelDef everything() {
    Graph branch =
        new ModelBuilder()
            .node("Identity", "h", "hi")
            .node("Transpose", "hi", "t1", "perm", new long[] {1, 0})
            .node("Transpose", "t1", "t2", "perm", new long[] {1, 0})
            .node("Relu", "t2", "out")
            .output("out")
            .graph();
    return new ModelBuilder(15)
        .input("x", DType.FLOAT32, 1, 2, 5, 5)
        .input("c", DType.BOOL)
        .initializer("W", randomFloats(1, 3, 2, 3, 3))
        .initializer("B", randomFloats(2, 3))
        .initializer("scale", randomFloats(3, 3))
        .initializer("bias", randomFloats(4, 3))
        .initializer("mean", randomFloats(5, 3))
        .initializer("var", Tensor.ofFloats(0.5f, 1f, 2f))
        .initializer("fc", randomFloats(6, 75, 4))
        .initializer("fcb", randomFloats(7, 4))
        .initializer("zero", Tensor.scalar(0L))
        .initializer("axes", Tensor.ofLongs(0))
        .initializer("minus1", Tensor.ofLongs(-1))
        .node("Conv", List.of("x", "W", "B"), List.of("conv"), "pads", new long[] {1, 1, 1, 1})
        .node("BatchNormalization", List.of("conv", "scale", "bias", "mean", "var"), List.of("bn"))
        .node("Relu", "bn", "act")
        .node("Dropout", "act", "drop")
        .node("Shape", "drop", "s")
        .node("Gather", List.of("s", "zero"), List.of("n"), "axis", 0L)
        .node("Unsqueeze", List.of("n", "axes"), List.of("n1"))
        .node("Concat", List.of("n1", "minus1"), List.of("target"), "axis", 0L)
        .node("Reshape", List.of("drop", "target"), List.of("flat"))
        .node("MatMul", List.of("flat", "fc"), List.of("mm"))
        .node("Add", List.of("mm", "fcb"), List.of("h"))
        .node("Neg", "h", "unused")
        .node("If", List.of("c"), List.of("y"), "then_branch", branch, "else_branch", branch)
        .output("y")
        .build();
  }

  private static Map<String, Tensor> feed() {
    Tensor c = Tensor.allocate(DType.BOOL);
    c.setBoolean(0, true);
    return Map.of("x", randomFloats(8, 1, 2, 5, 5), "c", c);
  }

  @Test
  void eachLevelKeepsTheOutputsAndShrinksTheGraph() {
    ModelDef m = everything();
    byte[] original = OnnxWriter.toBytes(m);
    ModelDef basic = GraphOptimizer.forLevel(OptimizationLevel.BASIC).optimize(m);
    assertEquals(
        List.of("Conv", "BatchNormalization", "Relu", "Reshape", "MatMul", "Add", "If"),
        ops(basic.graph()));
    assertSameOutputs(m, basic, feed(), 0);
    for (OptimizationLevel level : List.of(OptimizationLevel.EXTENDED, OptimizationLevel.ALL)) {
      ModelDef opt = GraphOptimizer.forLevel(level).optimize(m);
      assertEquals(
          level == OptimizationLevel.ALL
              ? List.of("FusedConv", "Reshape", "Gemm", "If")
              : List.of("Conv", "Relu", "Reshape", "Gemm", "If"),
          ops(opt.graph()));
      Graph branch = opt.graph().nodes().getLast().attribute("then_branch").asGraph();
      assertEquals(List.of("Relu"), ops(branch));
      assertEquals(List.of("h"), branch.nodes().getFirst().inputs());
      assertSameOutputs(m, opt, feed(), 1e-5);
    }
    assertArrayEquals(original, OnnxWriter.toBytes(m), "the input model is not changed");
    assertTrue(GraphOptimizer.forLevel(OptimizationLevel.NONE).passes().isEmpty());
  }

  @Test
  void runsToAFixedPointWithinTheBound() {
    ModelDef m = everything();
    GraphOptimizer.Report r =
        GraphOptimizer.forLevel(OptimizationLevel.ALL).optimizeInPlace(m.deepCopy());
    assertTrue(r.converged());
    assertTrue(r.rounds() >= 2, "the last round confirms nothing changes");
    assertTrue(r.changes().get("ConstantFolding") > 0);

    GraphPass restless =
        new GraphPass() {
          @Override
          public String name() {
            return "Restless";
          }

          @Override
          public boolean apply(PassContext context) {
            return true;
          }
        };
    GraphOptimizer.Report bounded = new GraphOptimizer(List.of(restless), 3).optimizeInPlace(m);
    assertEquals(3, bounded.rounds());
    assertFalse(bounded.converged());
  }

  @Test
  void sessionsRunTheOptimizedGraphAndTheModelKeepsItsIr() {
    ModelDef def = everything();
    Model model = Model.of(def);
    Map<String, Tensor> reference;
    try (Session s =
        model.newSession(SessionOptions.defaults().optimizationLevel(OptimizationLevel.NONE))) {
      reference = s.run(feed());
    }
    for (OptimizationLevel level : OptimizationLevel.values()) {
      try (Session s = model.newSession(SessionOptions.defaults().optimizationLevel(level))) {
        float[] got = s.run(feed()).get("y").toFloatArray();
        float[] want = reference.get("y").toFloatArray();
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got[i], 1e-5 * (1 + Math.abs(want[i])), level + " y[" + i + "]");
        }
      }
    }
    assertEquals(13, def.graph().nodes().size());
    assertEquals(13, model.definition().graph().nodes().size());
    assertEquals(5, model.optimizedDefinition(OptimizationLevel.EXTENDED).graph().nodes().size());
    assertEquals(4, model.optimizedDefinition(OptimizationLevel.ALL).graph().nodes().size());
    assertEquals(OptimizationLevel.ALL, SessionOptions.defaults().optimizationLevel());
  }

  @Test
  void beforeIrVersion4InitializersListedAsInputsAreConstantsNotInputs() {
    ModelDef def =
        new ModelBuilder(9)
            .input("x", DType.FLOAT32, 2)
            .input("w", DType.FLOAT32, 2)
            .initializer("w", Tensor.ofFloats(1, 2))
            .node("Neg", "w", "nw")
            .node("Add", List.of("x", "nw"), List.of("y"))
            .output("y")
            .build();
    def.setIrVersion(3);
    Model model = Model.of(def);
    assertEquals(List.of("x"), model.inputs().stream().map(v -> v.name()).toList());
    ModelDef basic = model.optimizedDefinition(OptimizationLevel.BASIC);
    assertEquals(List.of("Add"), ops(basic.graph()));
    assertEquals(List.of("x"), basic.graph().inputs().stream().map(v -> v.name()).toList());
    assertEquals(List.of("nw"), List.copyOf(basic.graph().initializers().keySet()));
    for (OptimizationLevel level : OptimizationLevel.values()) {
      try (Session s = model.newSession(SessionOptions.defaults().optimizationLevel(level))) {
        assertArrayEquals(
            new float[] {0, 0}, s.run(Map.of("x", Tensor.ofFloats(1, 2))).get("y").toFloatArray());
        assertThrows(
            InputException.class,
            () -> s.run(Map.of("x", Tensor.ofFloats(1, 2), "w", Tensor.ofFloats(0, 0))));
      }
    }
    def.setIrVersion(4);
    try (Session s = Model.of(def).newSession()) {
      assertArrayEquals(
          new float[] {1, 2},
          s.run(Map.of("x", Tensor.ofFloats(1, 2), "w", Tensor.ofFloats(0, 0)))
              .get("y")
              .toFloatArray(),
          "from IR version 4 the initializer is a default the caller may override");
    }
  }

  @Test
  void malformedGraphsAreLeftForThePlannerToReport() {
    ModelDef cycle =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 2)
            .node("Add", List.of("x", "b"), List.of("a"))
            .node("Relu", "a", "b")
            .output("b")
            .build();
    ModelDef copy = GraphOptimizer.forLevel(OptimizationLevel.ALL).optimize(cycle);
    assertEquals(List.of("Add", "Relu"), ops(copy.graph()));
    GraphException e = assertThrows(GraphException.class, () -> Model.of(cycle).newSession());
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    // Identity elimination would turn this cycle into a node reading its own output.
    ModelDef identities =
        new ModelBuilder()
            .input("x", DType.FLOAT32, 1)
            .node("Identity", "b", "a")
            .node("Identity", "a", "b")
            .output("b")
            .build();
    assertEquals(
        0, GraphOptimizer.forLevel(OptimizationLevel.ALL).optimizeInPlace(identities).rounds());
    e = assertThrows(GraphException.class, () -> Model.of(identities).newSession());
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }
}
