package dev.ledge.ops.sequence;

import static dev.ledge.testing.GraphFixtures.anyTensor;
import static dev.ledge.testing.GraphFixtures.graph;
import static dev.ledge.testing.GraphFixtures.node;
import static dev.ledge.testing.GraphFixtures.sequenceOf;
import static dev.ledge.testing.GraphFixtures.tensor;
import static dev.ledge.testing.GraphFixtures.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ledge.LedgeException;
import dev.ledge.graph.Attribute;
import dev.ledge.graph.Graph;
import dev.ledge.graph.ValueType;
import dev.ledge.tensor.DType;
import dev.ledge.tensor.Tensor;
import dev.ledge.tensor.TensorSequence;
import dev.ledge.testing.GraphFixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sequence and optional operators on cases the ONNX conformance data does not cover. */
class SequenceOpsTest {
  private static Tensor iota(int... shape) {
    Tensor t = Tensor.allocate(DType.FLOAT32, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setFloat(i, i + 1);
    }
    return t;
  }

  @Test
  void insertAtAndEraseCountNegativePositionsFromTheBack() {
    Graph g =
        graph(
            List.of(
                tensor("a", DType.FLOAT32, 1),
                tensor("b", DType.FLOAT32, 2),
                tensor("c", DType.FLOAT32, 3),
                tensor("m1", DType.INT64),
                tensor("m3", DType.INT32)),
            List.of(
                node("SequenceConstruct", List.of("a", "b"), List.of("s1")),
                node("SequenceInsert", List.of("s1", "c", "m1"), List.of("s2")),
                node("SequenceAt", List.of("s2", "m1"), List.of("last")),
                node("SequenceErase", List.of("s2", "m3"), List.of("s3")),
                node("SequenceLength", List.of("s3"), List.of("n"))),
            List.of(
                value("s2", sequenceOf(DType.FLOAT32)),
                anyTensor("last", DType.FLOAT32),
                value("s3", sequenceOf(DType.FLOAT32)),
                tensor("n", DType.INT64)));
    Tensor a = iota(1);
    Tensor b = iota(2);
    Tensor c = iota(3);
    Map<String, Object> out =
        GraphFixtures.run(
            g,
            11,
            Map.of(
                "a",
                a,
                "b",
                b,
                "c",
                c,
                "m1",
                Tensor.scalar(-1L),
                "m3",
                Tensor.wrap(new int[] {-3})));
    TensorSequence s2 = (TensorSequence) out.get("s2");
    assertEquals(List.of(1, 3, 2), s2.tensors().stream().map(Tensor::size).toList());
    assertEquals(2, ((Tensor) out.get("last")).size());
    TensorSequence s3 = (TensorSequence) out.get("s3");
    assertEquals(List.of(3, 2), s3.tensors().stream().map(Tensor::size).toList());
    assertEquals(2, ((Tensor) out.get("n")).getLong(0));
  }

  @Test
  void positionOutOfRangeIsAClearError() {
    Graph g =
        graph(
            List.of(tensor("a", DType.FLOAT32, 1), tensor("p", DType.INT64)),
            List.of(
                node("SequenceConstruct", List.of("a", "a"), List.of("s")),
                node("SequenceAt", List.of("s", "p"), List.of("y"))),
            List.of(anyTensor("y", DType.FLOAT32)));
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> GraphFixtures.run(g, 11, Map.of("a", iota(1), "p", Tensor.scalar(2L))));
    assertTrue(e.getMessage().contains("position 2 is out of range"), e.getMessage());
  }

  @Test
  void scalarSplitLeavesASmallerLastPieceAndConcatRestoresTheInput() {
    Graph g =
        graph(
            List.of(tensor("x", DType.FLOAT32, 5, 2), tensor("k", DType.INT64)),
            List.of(
                node("SplitToSequence", List.of("x", "k"), List.of("s")),
                node("ConcatFromSequence", List.of("s"), List.of("y"), Attribute.of("axis", 0L))),
            List.of(value("s", sequenceOf(DType.FLOAT32)), anyTensor("y", DType.FLOAT32)));
    Tensor x = iota(5, 2);
    Map<String, Object> out = GraphFixtures.run(g, 11, Map.of("x", x, "k", Tensor.scalar(2L)));
    TensorSequence s = (TensorSequence) out.get("s");
    assertEquals(3, s.size());
    assertArrayEquals(new int[] {1, 2}, s.get(2).shape());
    assertArrayEquals(x.toFloatArray(), ((Tensor) out.get("y")).toFloatArray());
  }

  @Test
  void splitSizesMustAddUpToTheAxis() {
    Graph g =
        graph(
            List.of(tensor("x", DType.FLOAT32, 5), tensor("k", DType.INT64, 2)),
            List.of(node("SplitToSequence", List.of("x", "k"), List.of("s"))),
            List.of(value("s", sequenceOf(DType.FLOAT32))));
    LedgeException e =
        assertThrows(
            LedgeException.class,
            () -> GraphFixtures.run(g, 11, Map.of("x", iota(5), "k", Tensor.ofLongs(2, 2))));
    assertTrue(e.getMessage().contains("do not add up to the axis length 5"), e.getMessage());
  }

  @Test
  void concatOfAnEmptySequenceIsAnError() {
    Graph g =
        graph(
            List.of(),
            List.of(
                node("SequenceEmpty", List.of(), List.of("s"), Attribute.of("dtype", 6L)),
                node("ConcatFromSequence", List.of("s"), List.of("y"), Attribute.of("axis", 0L))),
            List.of(anyTensor("y", DType.INT32)));
    LedgeException e = assertThrows(LedgeException.class, () -> GraphFixtures.run(g, 11, Map.of()));
    assertTrue(e.getMessage().contains("empty sequence"), e.getMessage());
  }

  @Test
  void stackingAlongANewLastAxis() {
    Graph g =
        graph(
            List.of(tensor("a", DType.FLOAT32, 2), tensor("b", DType.FLOAT32, 2)),
            List.of(
                node("SequenceConstruct", List.of("a", "b"), List.of("s")),
                node(
                    "ConcatFromSequence",
                    List.of("s"),
                    List.of("y"),
                    Attribute.of("axis", -1L),
                    Attribute.of("new_axis", 1L))),
            List.of(anyTensor("y", DType.FLOAT32)));
    Tensor y =
        (Tensor)
            GraphFixtures.run(g, 11, Map.of("a", Tensor.ofFloats(1, 2), "b", Tensor.ofFloats(3, 4)))
                .get("y");
    assertArrayEquals(new int[] {2, 2}, y.shape());
    assertArrayEquals(new float[] {1, 3, 2, 4}, y.toFloatArray());
  }

  private static Graph identityMap(List<String> inputs, List<ValueType> types) {
    Graph body =
        graph(
            List.of(anyTensor("e", DType.FLOAT32), anyTensor("t", DType.FLOAT32)),
            List.of(
                node("Identity", List.of("e"), List.of("e_out")),
                node("Identity", List.of("t"), List.of("t_out"))),
            List.of(anyTensor("e_out", DType.FLOAT32), anyTensor("t_out", DType.FLOAT32)));
    return graph(
        List.of(value(inputs.get(0), types.get(0)), value(inputs.get(1), types.get(1))),
        List.of(node("SequenceMap", inputs, List.of("E", "T"), Attribute.of("body", body))),
        List.of(value("E", sequenceOf(DType.FLOAT32)), value("T", sequenceOf(DType.FLOAT32))));
  }

  @Test
  void sequenceMapPassesTensorInputsWholeToEveryCall() {
    Graph g =
        identityMap(
            List.of("s", "x"),
            List.of(sequenceOf(DType.FLOAT32), new ValueType.TensorType(DType.FLOAT32, null)));
    Tensor x = iota(3);
    TensorSequence s = new TensorSequence(DType.FLOAT32, List.of(iota(1), iota(2)));
    Map<String, Object> out = GraphFixtures.run(g, 17, Map.of("s", s, "x", x));
    TensorSequence e = (TensorSequence) out.get("E");
    TensorSequence t = (TensorSequence) out.get("T");
    assertEquals(2, e.size());
    assertArrayEquals(new int[] {2}, e.get(1).shape());
    assertEquals(2, t.size());
    assertArrayEquals(x.toFloatArray(), t.get(1).toFloatArray());
    TensorSequence none = new TensorSequence(DType.FLOAT32, List.of());
    TensorSequence empty =
        (TensorSequence) GraphFixtures.run(g, 17, Map.of("s", none, "x", x)).get("E");
    assertEquals(0, empty.size());
  }

  @Test
  void sequenceMapNeedsSequencesOfOneLength() {
    Graph g =
        identityMap(
            List.of("s", "u"), List.of(sequenceOf(DType.FLOAT32), sequenceOf(DType.FLOAT32)));
    TensorSequence s = new TensorSequence(DType.FLOAT32, List.of(iota(1), iota(2)));
    TensorSequence u = new TensorSequence(DType.FLOAT32, List.of(iota(1)));
    LedgeException e =
        assertThrows(LedgeException.class, () -> GraphFixtures.run(g, 17, Map.of("s", s, "u", u)));
    assertTrue(e.getMessage().contains("input 1 has 1 tensors, input 0 has 2"), e.getMessage());
  }

  @Test
  void optionalRoundTripAndEmptyOptional() {
    ValueType floatTensor = new ValueType.TensorType(DType.FLOAT32, null);
    Graph g =
        graph(
            List.of(tensor("x", DType.FLOAT32, 2)),
            List.of(
                node("Optional", List.of("x"), List.of("o")),
                node("OptionalHasElement", List.of("o"), List.of("has")),
                node("OptionalGetElement", List.of("o"), List.of("y")),
                node(
                    "Optional",
                    List.of(),
                    List.of("none"),
                    new Attribute("type", Attribute.Type.TYPE, floatTensor)),
                node("OptionalHasElement", List.of("none"), List.of("hasNone"))),
            List.of(
                tensor("has", DType.BOOL),
                anyTensor("y", DType.FLOAT32),
                tensor("hasNone", DType.BOOL)));
    Tensor x = iota(2);
    Map<String, Object> out = GraphFixtures.run(g, 18, Map.of("x", x));
    assertTrue(((Tensor) out.get("has")).getBoolean(0));
    assertFalse(((Tensor) out.get("hasNone")).getBoolean(0));
    assertArrayEquals(x.toFloatArray(), ((Tensor) out.get("y")).toFloatArray());
  }

  @Test
  void gettingFromAnEmptyOptionalIsAnError() {
    ValueType floatTensor = new ValueType.TensorType(DType.FLOAT32, null);
    Graph g =
        graph(
            List.of(),
            List.of(
                node(
                    "Optional",
                    List.of(),
                    List.of("none"),
                    new Attribute("type", Attribute.Type.TYPE, floatTensor)),
                node("OptionalGetElement", List.of("none"), List.of("y"))),
            List.of(anyTensor("y", DType.FLOAT32)));
    LedgeException e = assertThrows(LedgeException.class, () -> GraphFixtures.run(g, 18, Map.of()));
    assertTrue(e.getMessage().contains("the input optional is empty"), e.getMessage());
  }

  @Test
  void optionalWithoutInputNeedsAType() {
    Graph g =
        graph(
            List.of(),
            List.of(node("Optional", List.of(), List.of("none"))),
            List.of(value("none", null)));
    assertThrows(LedgeException.class, () -> GraphFixtures.model(g, 18).newSession());
  }

  @Test
  void sequenceEmptyHasTheRequestedType() {
    Graph g =
        graph(
            List.of(),
            List.of(node("SequenceEmpty", List.of(), List.of("s"), Attribute.of("dtype", 6L))),
            List.of(value("s", sequenceOf(DType.INT32))));
    TensorSequence s = (TensorSequence) GraphFixtures.run(g, 11, Map.of()).get("s");
    assertEquals(0, s.size());
    assertSame(DType.INT32, s.elementType());
  }
}
