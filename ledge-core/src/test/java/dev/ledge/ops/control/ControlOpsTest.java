package dev.ledge.ops.control;

import static dev.ledge.testing.GraphFixtures.anyTensor;
import static dev.ledge.testing.GraphFixtures.graph;
import static dev.ledge.testing.GraphFixtures.node;
import static dev.ledge.testing.GraphFixtures.sequenceOf;
import static dev.ledge.testing.GraphFixtures.tensor;
import static dev.ledge.testing.GraphFixtures.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.ops.UnsupportedOpException;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import dev.ledge.testing.GraphFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** If, Loop and Scan on cases the ONNX conformance data does not cover. */
class ControlOpsTest {
  private static Tensor iota(int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setFloat(i, i + 1);
    }
    return t;
  }

  private static Tensor bool(boolean v) {
    Tensor t = Tensor.allocate(DType.BOOL, new int[0]);
    t.setBoolean(0, v);
    return t;
  }

  private static Graph constantBranch(String out, Tensor value) {
    return graph(
        List.of(),
        List.of(node("Constant", List.of(), List.of(out), Attribute.of("value", value))),
        List.of(tensor(out, value.dtype(), value.shape())));
  }

  // ---- If ----

  @Test
  void ifBranchesMayDifferInShape() {
    Graph g =
        graph(
            List.of(tensor("c", DType.BOOL)),
            List.of(
                node(
                    "If",
                    List.of("c"),
                    List.of("y"),
                    Attribute.of("then_branch", constantBranch("a", iota(1, 2))),
                    Attribute.of("else_branch", constantBranch("b", iota(3))))),
            List.of(anyTensor("y", DType.FLOAT32)));
    Tensor t = (Tensor) GraphFixtures.run(g, 13, Map.of("c", bool(true))).get("y");
    assertArrayEquals(new int[] {1, 2}, t.shape());
    Tensor e = (Tensor) GraphFixtures.run(g, 13, Map.of("c", bool(false))).get("y");
    assertArrayEquals(new float[] {1, 2, 3}, e.toFloatArray());
  }

  @Test
  void ifConditionMustHaveOneElement() {
    Graph g =
        graph(
            List.of(tensor("c", DType.BOOL, 2)),
            List.of(
                node(
                    "If",
                    List.of("c"),
                    List.of("y"),
                    Attribute.of("then_branch", constantBranch("a", iota(1))),
                    Attribute.of("else_branch", constantBranch("b", iota(1))))),
            List.of(anyTensor("y", DType.FLOAT32)));
    Tensor c = Tensor.allocate(DType.BOOL, 2);
    LedgeException e =
        assertThrows(LedgeException.class, () -> GraphFixtures.run(g, 13, Map.of("c", c)));
    assertTrue(e.getMessage().contains("cond has shape [2], expected one element"), e.getMessage());
  }

  // ---- Loop ----

  /** Body: cond_out = constant, v_out = v_in, scan = i. */
  private static Graph countingBody(boolean condOut) {
    return graph(
        List.of(
            tensor("i", DType.INT64), tensor("c_in", DType.BOOL), anyTensor("v_in", DType.FLOAT32)),
        List.of(
            node("Constant", List.of(), List.of("c_out"), Attribute.of("value", bool(condOut))),
            node("Identity", List.of("v_in"), List.of("v_out")),
            node("Identity", List.of("i"), List.of("scan"))),
        List.of(
            tensor("c_out", DType.BOOL),
            anyTensor("v_out", DType.FLOAT32),
            tensor("scan", DType.INT64)));
  }

  private static Graph loop(Graph body, String m, String cond) {
    return graph(
        List.of(
            tensor("M", DType.INT64), tensor("cond", DType.BOOL), tensor("v", DType.FLOAT32, 2)),
        List.of(node("Loop", List.of(m, cond, "v"), List.of("V", "S"), Attribute.of("body", body))),
        List.of(anyTensor("V", DType.FLOAT32), anyTensor("S", DType.INT64)));
  }

  @Test
  void loopWithTripCountOnlyIgnoresTheBodyCondition() {
    Map<String, Object> out =
        GraphFixtures.run(
            loop(countingBody(false), "M", ""),
            13,
            Map.of("M", Tensor.scalar(4L), "cond", bool(true), "v", iota(2)));
    assertArrayEquals(new long[] {0, 1, 2, 3}, ((Tensor) out.get("S")).toLongArray());
    assertArrayEquals(new float[] {1, 2}, ((Tensor) out.get("V")).toFloatArray());
  }

  @Test
  void loopWithConditionStopsWhenTheBodySaysSo() {
    Map<String, Object> out =
        GraphFixtures.run(
            loop(countingBody(false), "M", "cond"),
            13,
            Map.of("M", Tensor.scalar(4L), "cond", bool(true), "v", iota(2)));
    assertArrayEquals(new long[] {0}, ((Tensor) out.get("S")).toLongArray());
  }

  @Test
  void loopWithoutIterationsGivesAShapedEmptyScanOutput() {
    Graph body =
        graph(
            List.of(
                tensor("i", DType.INT64),
                tensor("c_in", DType.BOOL),
                anyTensor("v_in", DType.FLOAT32)),
            List.of(
                node("Identity", List.of("c_in"), List.of("c_out")),
                node("Identity", List.of("v_in"), List.of("v_out")),
                node("Constant", List.of(), List.of("scan"), Attribute.of("value", iota(2, 3)))),
            List.of(
                tensor("c_out", DType.BOOL),
                anyTensor("v_out", DType.FLOAT32),
                tensor("scan", DType.FLOAT32, 2, 3)));
    Graph g =
        graph(
            List.of(tensor("cond", DType.BOOL), tensor("v", DType.FLOAT32, 2)),
            List.of(
                node(
                    "Loop",
                    List.of("", "cond", "v"),
                    List.of("V", "S"),
                    Attribute.of("body", body))),
            List.of(anyTensor("V", DType.FLOAT32), anyTensor("S", DType.FLOAT32)));
    Map<String, Object> out = GraphFixtures.run(g, 13, Map.of("cond", bool(false), "v", iota(2)));
    assertArrayEquals(new int[] {0, 2, 3}, ((Tensor) out.get("S")).shape());
    assertArrayEquals(new float[] {1, 2}, ((Tensor) out.get("V")).toFloatArray());
  }

  @Test
  void loopCarriesASequence() {
    Graph body =
        graph(
            List.of(
                tensor("i", DType.INT64),
                tensor("c_in", DType.BOOL),
                value("s_in", sequenceOf(DType.INT64))),
            List.of(
                node("Identity", List.of("c_in"), List.of("c_out")),
                node("SequenceInsert", List.of("s_in", "i"), List.of("s_out"))),
            List.of(tensor("c_out", DType.BOOL), value("s_out", sequenceOf(DType.INT64))));
    Graph g =
        graph(
            List.of(tensor("M", DType.INT64)),
            List.of(
                node("SequenceEmpty", List.of(), List.of("e"), Attribute.of("dtype", 7L)),
                node("Loop", List.of("M", "", "e"), List.of("S"), Attribute.of("body", body))),
            List.of(value("S", sequenceOf(DType.INT64))));
    TensorSequence s =
        (TensorSequence) GraphFixtures.run(g, 13, Map.of("M", Tensor.scalar(3L))).get("S");
    assertEquals(3, s.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, s.get(i).getLong(0));
    }
  }

  @Test
  void loopScanOutputsMustKeepOneShape() {
    // The body reads an outer-scope sequence whose tensors differ in shape.
    Graph body =
        graph(
            List.of(tensor("i", DType.INT64), tensor("c_in", DType.BOOL)),
            List.of(
                node("Identity", List.of("c_in"), List.of("c_out")),
                node("SequenceAt", List.of("outer", "i"), List.of("scan"))),
            List.of(tensor("c_out", DType.BOOL), anyTensor("scan", DType.FLOAT32)));
    Graph g =
        graph(
            List.of(
                tensor("M", DType.INT64),
                tensor("a", DType.FLOAT32, 1),
                tensor("b", DType.FLOAT32, 2)),
            List.of(
                node("SequenceConstruct", List.of("a", "b"), List.of("outer")),
                node("Loop", List.of("M", ""), List.of("S"), Attribute.of("body", body))),
            List.of(anyTensor("S", DType.FLOAT32)));
    Map<String, Object> ok =
        GraphFixtures.run(g, 13, Map.of("M", Tensor.scalar(1L), "a", iota(1), "b", iota(2)));
    assertArrayEquals(new int[] {1, 1}, ((Tensor) ok.get("S")).shape());
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () ->
                GraphFixtures.run(
                    g, 13, Map.of("M", Tensor.scalar(2L), "a", iota(1), "b", iota(2))));
    assertTrue(e.getMessage().contains("iteration 1 produced float32[2]"), e.getMessage());
  }

  @Test
  void loopWithoutTripCountOrConditionIsUnsupported() {
    Graph g = loop(countingBody(true), "", "");
    assertThrows(UnsupportedOpException.class, () -> GraphFixtures.model(g, 13).newSession());
  }

  // ---- Scan ----

  @Test
  void scan9FollowsAxesAndDirections() {
    Graph body =
        graph(
            List.of(
                tensor("s_in", DType.FLOAT32, 2),
                tensor("x_t", DType.FLOAT32, 3, 2),
                tensor("y_t", DType.FLOAT32, 2)),
            List.of(
                node("Identity", List.of("y_t"), List.of("s_out")),
                node("Identity", List.of("x_t"), List.of("o1")),
                node("Identity", List.of("s_in"), List.of("o2"))),
            List.of(
                tensor("s_out", DType.FLOAT32, 2),
                tensor("o1", DType.FLOAT32, 3, 2),
                tensor("o2", DType.FLOAT32, 2)));
    Graph g =
        graph(
            List.of(
                tensor("s", DType.FLOAT32, 2),
                tensor("x", DType.FLOAT32, 3, 4, 2),
                tensor("y", DType.FLOAT32, 2, 4)),
            List.of(
                node(
                    "Scan",
                    List.of("s", "x", "y"),
                    List.of("S", "O1", "O2"),
                    Attribute.of("body", body),
                    Attribute.of("num_scan_inputs", 2L),
                    Attribute.of("scan_input_axes", 1L, -1L),
                    Attribute.of("scan_input_directions", 0L, 1L),
                    Attribute.of("scan_output_axes", 2L, -1L),
                    Attribute.of("scan_output_directions", 1L, 0L))),
            List.of(
                anyTensor("S", DType.FLOAT32),
                anyTensor("O1", DType.FLOAT32),
                anyTensor("O2", DType.FLOAT32)));
    Tensor s = Tensor.ofFloats(100, 200);
    Tensor x = iota(3, 4, 2);
    Tensor y = iota(2, 4);
    Map<String, Object> out = GraphFixtures.run(g, 16, Map.of("s", s, "x", x, "y", y));
    // The state ends as y[:, 0] (y is scanned backwards).
    assertArrayEquals(new float[] {1, 5}, ((Tensor) out.get("S")).toFloatArray());
    // O1[a, b, j] = x[a, 3 - j, b]: stacked on axis 2, in reverse order.
    Tensor o1 = (Tensor) out.get("O1");
    assertArrayEquals(new int[] {3, 2, 4}, o1.shape());
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 2; b++) {
        for (int j = 0; j < 4; j++) {
          assertEquals(x.getFloat((a * 4 + (3 - j)) * 2 + b), o1.getFloat((a * 2 + b) * 4 + j));
        }
      }
    }
    // O2[:, t] is the state before step t: s, then y[:, 3], y[:, 2], y[:, 1].
    assertArrayEquals(
        new float[] {100, 4, 3, 2, 200, 8, 7, 6}, ((Tensor) out.get("O2")).toFloatArray());
  }

  @Test
  void scan8RunsEachRowToItsLengthAndPadsWithZeros() {
    Graph body =
        graph(
            List.of(tensor("s_in", DType.FLOAT32, 2), tensor("x_t", DType.FLOAT32, 2)),
            List.of(
                node("Identity", List.of("x_t"), List.of("s_out")),
                node("Identity", List.of("s_in"), List.of("o"))),
            List.of(tensor("s_out", DType.FLOAT32, 2), tensor("o", DType.FLOAT32, 2)));
    Graph g =
        graph(
            List.of(
                tensor("lens", DType.INT64, 3),
                tensor("s", DType.FLOAT32, 3, 2),
                tensor("x", DType.FLOAT32, 3, 4, 2)),
            List.of(
                node(
                    "Scan",
                    List.of("lens", "s", "x"),
                    List.of("S", "O"),
                    Attribute.of("body", body),
                    Attribute.of("num_scan_inputs", 1L),
                    Attribute.of("directions", new long[] {1}))),
            List.of(anyTensor("S", DType.FLOAT32), anyTensor("O", DType.FLOAT32)));
    Tensor s = Tensor.wrap(new float[] {-1, -2, -3, -4, -5, -6}, 3, 2);
    Map<String, Object> out =
        GraphFixtures.run(
            g, 8, Map.of("lens", Tensor.ofLongs(3, 1, 2), "s", s, "x", iota(3, 4, 2)));
    // Reversed rows end at x[b, 0].
    assertArrayEquals(new float[] {1, 2, 9, 10, 17, 18}, ((Tensor) out.get("S")).toFloatArray());
    assertArrayEquals(
        new float[] {
          -1, -2, 5, 6, 3, 4, 0, 0, // row 0, length 3: s, x[0,2], x[0,1], pad
          -3, -4, 0, 0, 0, 0, 0, 0, // row 1, length 1
          -5, -6, 19, 20, 0, 0, 0, 0 // row 2, length 2: s, x[2,1]
        },
        ((Tensor) out.get("O")).toFloatArray());
  }

  @Test
  void scanInputsOfDifferentLengthsAreAnError() {
    Graph body =
        graph(
            List.of(tensor("a", DType.FLOAT32), tensor("b", DType.FLOAT32)),
            List.of(node("Identity", List.of("a"), List.of("o"))),
            List.of(tensor("o", DType.FLOAT32)));
    Graph g =
        graph(
            List.of(tensor("x", DType.FLOAT32, 3), tensor("y", DType.FLOAT32, 4)),
            List.of(
                node(
                    "Scan",
                    List.of("x", "y"),
                    List.of("O"),
                    Attribute.of("body", body),
                    Attribute.of("num_scan_inputs", 2L))),
            List.of(anyTensor("O", DType.FLOAT32)));
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> GraphFixtures.run(g, 16, Map.of("x", iota(3), "y", iota(4))));
    assertTrue(e.getMessage().contains("scan input 1 has length 4"), e.getMessage());
  }
}
